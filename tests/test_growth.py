"""Growth: for every input kind, the work and the memory of a check grow linearly with the
input (issue 13: a quadratic pattern turned 60 KB into 30 s). Inputs of each kind, of
shapes hypothesis draws, are checked at a small size and at eight times that size, and the
larger may cost at most twice linear: CPU time (the least of three runs, which rides out a
busy machine) and peak Python memory (tracemalloc). A quadratic step costs 64 times at
eight times the size, so it fails here by a wide margin; linear work with start-up costs
takes well under 8. The curve at large sizes is in `python benchmarks/bench.py`.
"""

from __future__ import annotations

import contextlib
import gc
import io
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.growth import KINDS, Shape, write_case
from benchmarks.shapes import SHAPES, write_shape
from validator.cli import main

FACTOR = 8  # the larger input is this many times the smaller
ALLOWED = 2 * FACTOR  # twice linear
BASE = {"tf": 20}  # python-hcl2 is slow: a smaller start for .tf trees
DEFAULT_BASE = 50
# Shapes whose quadratic step shows at these sizes and not at 30 (its linear part is larger).
# Measured against the rules before the fix: each shape fails the bound (vms-moved 33x,
# nics-moved 18x, waivers 19x, items-replaced 24x, template 29x, vms-deleted 30x, data sources
# 25x) but items-with-prior-state (6x at 60, passing at 100: the scan of the prior state per
# replicated item is too small a part of the check), which guards linear growth only.
SHAPE_BASE = {
    "vms-deleted": 150,
    "items-replaced": 60,
    "items-with-prior-state": 100,
    "disks-through-data-sources": 100,
    "template-leaving-out-protected-disks": 60,
}

shapes = st.builds(
    Shape,
    create_option=st.sampled_from(["Copy", "Restore", "Empty", "Attach"]),
    replaced_every=st.integers(1, 20),
    module_depth=st.integers(0, 3),
    text=st.sampled_from(["x", "é", "-", "字", "Z"]),
    scoped=st.booleans(),
)


def check(args: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["check", *args, "--today", "2026-12-02", "--format", "json"])


def cpu_seconds(run: Callable[[], int]) -> float:
    best = float("inf")
    for _ in range(3):
        gc.collect()
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def peak_bytes(run: Callable[[], int]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", KINDS)
@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=shapes)
def test_the_cost_of_a_check_grows_linearly(kind: str, shape: Shape, tmp_path: Path) -> None:
    assert_linear(kind, shape, tmp_path)


def test_a_template_deployed_to_no_given_scope_grows_linearly(tmp_path: Path) -> None:
    """Every id of it has placeholders, matched to the replicated VMs outside them. A scan of
    every replicated VM per id made this quadratic (1k resources cost 3.7 times the same
    template checked with --scope), which 50 resources against 400 do not show clearly
    (11x, under the bound): 200 against 1,600 do (20x; linear, 6x)."""
    assert_linear("template", Shape(scoped=False), tmp_path, small_n=200)


@pytest.mark.parametrize("name", SHAPES)
def test_many_changes_of_one_kind_grow_linearly(name: str, tmp_path: Path) -> None:
    """Inputs of many changes of one kind (benchmarks/shapes.py): a rule that looked through
    the whole change for each of its changes (moved VMs, NICs, re-enabled items, waivers,
    an inventory's protected disks, data sources, prior state) was quadratic in them."""
    small_n = SHAPE_BASE.get(name, 30)
    small = write_shape(name, small_n, tmp_path / "small")
    large = write_shape(name, small_n * FACTOR, tmp_path / "large")
    assert_linear_between(name, small, large)


def assert_linear(kind: str, shape: Shape, tmp_path: Path, small_n: int | None = None) -> None:
    small_n = small_n or BASE.get(kind, DEFAULT_BASE)
    directory = tmp_path / f"{kind}-{abs(hash(shape))}"
    small = write_case(kind, small_n, directory / "small", shape)
    large = write_case(kind, small_n * FACTOR, directory / "large", shape)
    assert_linear_between(f"{kind} {shape}", small, large)


def assert_linear_between(what: str, small: list[str], large: list[str]) -> None:
    """The check of the large input costs at most twice linear the small one's."""
    codes = {check(small), check(large)}
    assert codes <= {0, 1}, f"{what}: exit {codes}"
    time_ratio = cpu_seconds(lambda: check(large)) / cpu_seconds(lambda: check(small))
    memory_ratio = peak_bytes(lambda: check(large)) / peak_bytes(lambda: check(small))
    assert time_ratio <= ALLOWED, f"{what}: {FACTOR}x the input took {time_ratio:.1f}x"
    assert memory_ratio <= ALLOWED, (
        f"{what}: {FACTOR}x the input took {memory_ratio:.1f}x the memory"
    )


def test_the_growth_test_sees_a_quadratic_step(tmp_path: Path) -> None:
    """The measure itself: a step quadratic in the input (the old inline-waiver pattern,
    run on the restore request's long line) fails the bound that the checks pass."""
    import re

    old = re.compile(
        r"asr-guard:waive\s+(?P<rule>ASR\d{3})\s+expires=(?P<expires>\d{4}-\d{2}-\d{2})"
        r"\s+reason=(?:\"(?P<quoted>[^\"]+)\"|(?P<bare>\S.*?))\s*$"
    )

    def quadratic(n: int) -> Callable[[], int]:
        line = "# asr-guard:waive ASR003 expires=2099-01-01 reason=a" + " " * (20 * n) + "b x"
        return lambda: 0 if old.search(line) else 1

    ratio = cpu_seconds(quadratic(DEFAULT_BASE * FACTOR)) / cpu_seconds(quadratic(DEFAULT_BASE))
    assert ratio > ALLOWED


@pytest.mark.parametrize("argument", ["'a'", "1", "variables('v')", "'it''s'", "true()"])
def test_an_arm_expression_is_read_in_time_linear_in_its_length(argument: str) -> None:
    """Issue 13: the tokenizer sliced the rest of the text for every token (quadratic)."""
    from validator.arm_expressions import MAX_EXPRESSION_LENGTH, parse

    def parse_of(n: int) -> Callable[[], int]:
        texts = iter(range(10**9))  # a new text each run: parse keeps a cache

        def run() -> int:
            parse(f"concat('{next(texts)}'," + f"{argument}," * n + "'a')")
            return 0

        return run

    # the larger expression stays within ARM's 24,576 characters
    n = (MAX_EXPRESSION_LENGTH - 100) // (FACTOR * (len(argument) + 1))
    ratio = cpu_seconds(parse_of(n * FACTOR)) / cpu_seconds(parse_of(n))
    assert ratio <= ALLOWED, f"{FACTOR}x the expression took {ratio:.1f}x"

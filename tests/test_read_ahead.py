"""The embedded engine reading a large input ahead, in a forked child (engines.embedded.Ahead):
the same reports and the same errors as reading it after it is checked, and no child left."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    FIXTURES,
    INVENTORY,
    MODULE_PLAN,
    REPLACED_PLAN,
    SAFE_PLAN,
    too_deep_for_the_engine,
)
from validator.cli import main
from validator.documents import InputDocument
from validator.engines import embedded
from validator.errors import EngineError
from validator.policy import ENTRYPOINT, PolicyData, PolicyPack, load_pack

pytestmark = pytest.mark.skipif(
    not embedded.available() or sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2,
    reason="reading ahead needs the embedded engine, Linux and two cores",
)

INPUTS = [
    REPLACED_PLAN,
    SAFE_PLAN,
    MODULE_PLAN,
    *sorted((FIXTURES / "terraform").glob("*.plan.json"))[:8],
    *sorted((FIXTURES / "whatif").glob("*.json"))[:4],
    *sorted((FIXTURES / "restore").glob("*.json"))[:4],
    *sorted((FIXTURES / "arm").glob("*.json"))[:3],  # resolved: the child's answer is not used
]


# Whether each evaluation begun ahead was answered by the child (False: evaluated here).
answers: list[bool] = []


def reaped(*pids: int) -> bool:
    """Whether these children are gone, waited for (not zombies nor running)."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[embedded.Ahead]]:
    """Every input read ahead, however small; the children begun, to look at afterwards."""
    begun: list[embedded.Ahead] = []
    pids: list[int] = []
    start = embedded.Ahead.start.__func__  # type: ignore[attr-defined]

    def recording(cls: type[embedded.Ahead], pack: PolicyPack, text: str) -> Any:
        ahead = start(cls, pack, text)
        begun.extend([ahead] if ahead is not None else [])
        pids.extend([ahead._pid] if ahead is not None else [])
        return ahead

    answer = embedded.Ahead.answer

    def answered(self: embedded.Ahead, document: InputDocument, data: str) -> Any:
        value = answer(self, document, data)
        answers.append(value is not None)
        return value

    monkeypatch.setattr(embedded, "AHEAD_MIN_CHARS", 0)
    # Other tests leave threads (servers they started) in this process; the child runs
    # regorus and reads and writes its pipes only, and takes none of their locks.
    monkeypatch.setattr(embedded, "_single_threaded", lambda: True)
    monkeypatch.setattr(embedded.Ahead, "start", classmethod(recording))
    monkeypatch.setattr(embedded.Ahead, "answer", answered)
    answers.clear()
    # A child forked from this many-threaded test process could block on a lock another
    # thread held: a test that waits for it fails after a minute rather than hang the suite
    # (a fork's child does not inherit the alarm).
    previous = signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(60)
    try:
        yield begun
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert reaped(*pids)


def _too_long(signum: int, frame: object) -> None:
    raise TimeoutError("a read-ahead test waited a minute for its child")


def report(tmp_path: Path, name: str, *args: str) -> tuple[int, str]:
    out = tmp_path / name
    code = main(["check", *args, "--format", "json", "--output", str(out)])
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    return code, text


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_same_report_read_ahead_or_after(
    path: Path, tmp_path: Path, started: list[embedded.Ahead], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [str(path), "--inventory", str(INVENTORY / "replicated-vms.yaml")]
    ahead = report(tmp_path, "ahead.json", *args)
    assert len(started) == 1
    # A template is evaluated as resolved, not as read: the child's answer is not used.
    assert answers == [path.parent.name != "arm"]
    monkeypatch.setattr(embedded, "AHEAD_MIN_CHARS", sys.maxsize)
    after = report(tmp_path, "after.json", *args)
    assert len(started) == 1
    assert ahead == after
    assert ahead[0] in (0, 1)


def test_no_read_ahead_for_several_inputs_or_another_engine(
    tmp_path: Path, started: list[embedded.Ahead]
) -> None:
    code, _ = report(tmp_path, "two.json", str(SAFE_PLAN), str(REPLACED_PLAN), "--jobs", "1")
    assert code == 1
    assert started == []


def test_an_input_too_deep_for_the_engine_is_refused_the_same_way(
    tmp_path: Path, started: list[embedded.Ahead], capsys: pytest.CaptureFixture[str]
) -> None:
    path = too_deep_for_the_engine(SAFE_PLAN, tmp_path / "deep.plan.json")
    assert main(["check", str(path)]) == 2
    assert len(started) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"asr-guard: error: {path}: nested deeper than 128 levels: refused"
    ]


def test_an_input_refused_after_the_child_began_stops_the_child(
    tmp_path: Path, started: list[embedded.Ahead], capsys: pytest.CaptureFixture[str]
) -> None:
    plan = json.loads(SAFE_PLAN.read_text())
    path = tmp_path / "errored.plan.json"
    path.write_text(json.dumps({**plan, "errored": True}))
    assert main(["check", str(path)]) == 2
    assert len(started) == 1
    assert "errored: true" in capsys.readouterr().err


def test_a_child_stopped_before_it_answers_leaves_the_evaluation_here(
    tmp_path: Path, started: list[embedded.Ahead], monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = embedded.Ahead.answer

    def killed_first(self: embedded.Ahead, document: InputDocument, data: str) -> Any:
        os.kill(self._pid, 9)
        return answer(self, document, data)

    monkeypatch.setattr(embedded.Ahead, "answer", killed_first)
    killed = report(tmp_path, "killed.json", str(REPLACED_PLAN))
    assert len(started) == 1
    assert answers == [False]
    monkeypatch.setattr(embedded, "AHEAD_MIN_CHARS", sys.maxsize)
    assert killed == report(tmp_path, "after.json", str(REPLACED_PLAN))
    assert killed[0] == 1


def test_a_text_other_than_the_one_read_ahead_is_evaluated_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pack = load_pack()
    text = SAFE_PLAN.read_text()
    ahead = _forced(pack, text, monkeypatch)
    pid = ahead._pid
    copy = "".join(list(text))  # equal, but not the text the child read
    document = InputDocument(str(SAFE_PLAN), "terraform-plan", copy, json.loads(text), text, "json")
    assert ahead.answer(document, json.dumps(PolicyData(pack.matrix).document())) is None
    assert reaped(pid)


def _forced(pack: PolicyPack, text: str, monkeypatch: pytest.MonkeyPatch) -> embedded.Ahead:
    monkeypatch.setattr(embedded, "AHEAD_MIN_CHARS", 0)
    monkeypatch.setattr(embedded, "_single_threaded", lambda: True)
    ahead = embedded.Ahead.start(pack, text)
    assert ahead is not None
    return ahead


def _pack_with(source: str) -> PolicyPack:
    pack = load_pack()
    return PolicyPack(pack.root, (("broken.rego", source),), (), pack.matrix)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("package asr_guard.main\n\nreport := {\n", "embedded engine: cannot load policies: "),
        (
            'package asr_guard.main\n\nreport := to_number("not a number")\n',
            f"embedded engine: {ENTRYPOINT}: ",
        ),
    ],
    ids=["policies-do-not-load", "query-fails"],
)
def test_an_engine_error_in_the_child_is_the_error_the_engine_here_raises(
    source: str, error: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = _pack_with(source)
    text = SAFE_PLAN.read_text()
    document = InputDocument(str(SAFE_PLAN), "terraform-plan", text, json.loads(text), text, "json")
    with pytest.raises(EngineError) as here:
        embedded.EmbeddedEngine(pack).evaluate(document)
    ahead = _forced(pack, text, monkeypatch)
    pid = ahead._pid
    with pytest.raises(EngineError) as there:
        ahead.answer(document, json.dumps(PolicyData(pack.matrix).document()))
    assert str(there.value) == str(here.value)
    assert str(here.value).startswith(error)
    assert reaped(pid)


def test_reading_ahead_pays_only_for_large_inputs_where_it_is_safe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pack = load_pack()
    large = " " * embedded.AHEAD_MIN_CHARS
    assert embedded.AHEAD_MIN_CHARS >= 1_000_000
    assert embedded.Ahead.start(pack, large[1:]) is None  # small: read after it is checked
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert embedded.Ahead.start(pack, large) is None  # another thread runs
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(embedded, "_single_threaded", lambda: True)
    ahead = embedded.Ahead.start(pack, large)
    assert ahead is not None
    pid = ahead._pid
    ahead.close()
    assert reaped(pid)


def test_a_caller_that_has_its_children_reaped_by_the_system(
    tmp_path: Path, started: list[embedded.Ahead]
) -> None:
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        code, text = report(tmp_path, "ignored.json", str(REPLACED_PLAN))
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert len(started) == 1
    assert answers == [True]
    assert code == 1
    assert json.loads(text)["summary"]["deny"] == 1


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_fork_refused_leaves_the_evaluation_here(
    tmp_path: Path, started: list[embedded.Ahead], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    after = report(tmp_path, "after.json", str(REPLACED_PLAN))
    assert answers == [True]
    before = open_descriptors()
    monkeypatch.setattr(os, "fork", refused)
    assert report(tmp_path, "refused.json", str(REPLACED_PLAN)) == after
    assert len(started) == 1 and answers == [True]  # no second child
    assert open_descriptors() == before  # the pipes made for it are closed


def test_a_run_that_stops_before_the_engine_is_made_stops_the_child(
    tmp_path: Path, started: list[embedded.Ahead], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(*_: object) -> str:
        raise EngineError("embedded engine: cannot load policies: test")

    monkeypatch.setattr(embedded, "_data_json", fails)
    assert report(tmp_path, "stopped.json", str(REPLACED_PLAN))[0] == 2
    assert len(started) == 1  # and the fixture finds it reaped


def test_a_child_never_returns_into_the_callers_code(
    tmp_path: Path, started: list[embedded.Ahead], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise KeyboardInterrupt  # as if Ctrl-C came before the child's own handler

    parent = os.getpid()
    marker = tmp_path / "returned"
    monkeypatch.setattr(embedded, "_child", broken)
    result = report(tmp_path, "broken.json", str(REPLACED_PLAN))
    if os.getpid() != parent:  # a child that came back here: say so, and go
        marker.write_text(str(os.getpid()))
        os._exit(0)
    assert len(started) == 1
    assert answers == [False]
    assert result[0] == 1
    assert not marker.exists()


def test_an_answer_cut_short_is_no_answer(
    tmp_path: Path, started: list[embedded.Ahead], monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    write_all = embedded._write_all

    def killed_while_writing(descriptor: int, data: bytes) -> None:
        if os.getpid() != parent and data[:1] == b"=":
            write_all(descriptor, data[: len(data) // 2])
            os._exit(0)
        write_all(descriptor, data)

    monkeypatch.setattr(embedded, "_write_all", killed_while_writing)
    cut = report(tmp_path, "cut.json", str(REPLACED_PLAN))
    assert answers == [False]
    monkeypatch.setattr(embedded, "AHEAD_MIN_CHARS", sys.maxsize)
    assert cut == report(tmp_path, "after.json", str(REPLACED_PLAN))


@pytest.mark.parametrize(
    ("files", "cpus"),
    [
        ({"cpu.max": "max 100000\n"}, float("inf")),
        ({"cpu.max": "100000 100000\n"}, 1.0),
        ({"cpu.max": "300000 100000\n"}, 3.0),
        ({"quota": "-1\n", "period": "100000\n"}, float("inf")),
        ({"quota": "50000\n", "period": "100000\n"}, 0.5),
        ({}, float("inf")),
    ],
)
def test_a_control_group_limited_to_one_cpu_is_not_forked_in(
    files: dict[str, str], cpus: float, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(
        embedded,
        "_QUOTA_FILES",
        ((str(tmp_path / "cpu.max"),), (str(tmp_path / "quota"), str(tmp_path / "period"))),
    )
    assert embedded._cpu_quota() == cpus
    monkeypatch.setattr(embedded, "_single_threaded", lambda: True)
    large = " " * embedded.AHEAD_MIN_CHARS
    assert embedded._may_fork(large) is (cpus >= 2)

"""Many inputs on all cores: worker processes read, check and evaluate them.

Used when it pays off (validator.check.jobs_for). The workers do the work in two rounds, as
one process does: every input is read and checked before anything is evaluated, so that a
bad file fails the run first, and the waivers (which the inputs may carry) are known before
the policies run. Each worker evaluates with one embedded engine for the run's data, built
once: the same policies, data and engine as one by one, so the same decisions.

A large JSON document does not travel between processes when its kind needs only its path
afterwards (a Terraform plan): the worker that checks it sends back a reference with the
SHA-256 of its text, and the worker that evaluates it reads the file again and refuses it
if the text is not the one that was checked.

An error in a worker is raised again, the same, in the main process (validator.errors).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from types import TracebackType

from validator import inputs, kinds, loading
from validator.documents import InputDocument
from validator.engines.embedded import EmbeddedEngine
from validator.errors import InputError
from validator.files import Candidate
from validator.kinds import RunContext
from validator.policy import Decision, PolicyData, load_pack


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Reread:
    """A checked document that the evaluating worker reads again from its file."""

    document: InputDocument  # path, kind and syntax; no text, value or source text
    digest: str  # SHA-256 of the text that was checked


# --- in the worker processes ---------------------------------------------------------

_engine: tuple[PolicyData, EmbeddedEngine] | None = None


def load(
    candidate: Candidate, max_bytes: int, context: RunContext
) -> InputDocument | Reread | None:
    """One candidate read and checked: the document, a reference to it, or None (skipped)."""
    document = inputs.load_input(candidate, max_bytes, context)
    if (
        document is None
        or kinds.of(document).NEEDS_DOCUMENT
        or document.text != document.source_text  # the engine reads more than the file
    ):
        return document
    light = replace(document, text="", value=None, source_text="")
    return Reread(light, text_digest(document.text))


def evaluate(item: InputDocument | Reread, max_bytes: int, data: PolicyData) -> Decision:
    global _engine
    if isinstance(item, Reread):
        path = item.document.path
        text = loading.decode(path, loading.read_bytes(path, max_bytes))
        if text_digest(text) != item.digest:
            raise InputError(path, "changed while it was being checked")
        document = replace(item.document, text=text)
    else:
        document = item
    if _engine is None or _engine[0] != data:
        _engine = (data, EmbeddedEngine(load_pack(), data))
    return _engine[1].evaluate(document)


# --- in the main process -------------------------------------------------------------


class Workers:
    """A pool of worker processes for one run."""

    def __init__(self, jobs: int) -> None:
        context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        # The workers, like the command, run without the cyclic garbage collector (see
        # cli._check): it would walk each parsed input again and again.
        self._pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=gc.disable
        )
        self._checked: list[InputDocument | Reread] = []
        self._max_bytes = loading.DEFAULT_MAX_BYTES

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def load(
        self, candidates: Sequence[Candidate], max_bytes: int, context: RunContext
    ) -> list[InputDocument | None]:
        """Each candidate read and checked (None: skipped); the first bad one in order fails.
        A document that stayed in its file comes back without its text and value."""
        context = replace(context, caches={})
        futures = [self._pool.submit(load, c, max_bytes, context) for c in candidates]
        items = [future.result() for future in futures]
        self._checked = [item for item in items if item is not None]
        self._max_bytes = max_bytes
        return [item.document if isinstance(item, Reread) else item for item in items]

    def evaluate(self, data: PolicyData) -> Iterator[Decision]:
        """The decision for each document `load` returned, in order."""
        futures = [
            self._pool.submit(evaluate, item, self._max_bytes, data) for item in self._checked
        ]
        for future in futures:
            yield future.result()

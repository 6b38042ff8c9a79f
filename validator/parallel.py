"""Many inputs on all cores: worker processes read, check and evaluate them.

Used when it pays off (several input files, and enough bytes in all to outweigh starting
the workers). The workers do the work in two rounds, as one process does: every input is
read and checked before anything is evaluated, so that a bad file fails the run first,
and the waivers (which the inputs may carry) are known before the policies run. Each
worker evaluates with one embedded engine per data document, built once: the same
policies, data and engine as one by one, so the same decisions.

A JSON plan does not travel between processes: the worker that checks it sends back its
kind and the SHA-256 of its text, and the worker that evaluates it reads the file again
and refuses it if the text is not the one that was checked.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from validator import inputs, loading
from validator.engines.embedded import EmbeddedEngine
from validator.errors import AsrGuardError, EngineError, InputError
from validator.inputs import Candidate, InputDocument, TemplateContext
from validator.policy import load_pack

# Below this much input in all, starting worker processes costs more than it saves.
MIN_PARALLEL_BYTES = 32 * 1024 * 1024


def jobs_for(candidates: Sequence[Candidate], requested: int = 0) -> int:
    """Worker processes for these inputs, 1 meaning none: as many as requested (--jobs), or,
    with 0, as pay off. A worker cannot read this process's standard input: with "-", none."""
    if len(candidates) < 2 or any(c.path == loading.STDIN for c in candidates):
        return 1
    if requested:
        return min(requested, len(candidates))
    try:
        total = sum(Path(c.path).stat().st_size for c in candidates)
    except OSError:
        return 1  # read one by one, where the error is reported
    if total < MIN_PARALLEL_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, len(candidates)))


def text_digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


# --- in the worker processes ---------------------------------------------------------

_engines: dict[str, EmbeddedEngine] = {}


def _caught(work: Callable[[], Any]) -> tuple[str, Any]:
    """("ok", what work returns), or ("input" | "error", details): the project's errors
    do not cross processes (they do not survive pickling), so they are sent as data."""
    try:
        return "ok", work()
    except InputError as exc:
        return "input", (exc.source, exc.reason, exc.line)
    except AsrGuardError as exc:
        return "error", str(exc)


def _load(candidate: Candidate, max_bytes: int, context: TemplateContext) -> tuple[str, Any]:
    return _caught(lambda: _checked(candidate, max_bytes, context))


def _checked(
    candidate: Candidate, max_bytes: int, context: TemplateContext
) -> InputDocument | None:
    document = inputs.load_input(candidate, max_bytes, context)
    if (
        document is not None
        and document.kind == inputs.TERRAFORM_PLAN
        and document.syntax == "json"
    ):
        # The engine reads the file's own text: the worker that evaluates it reads it again.
        light = replace(document, text="", value=None, source_text="")
        return replace(light, digest=text_digest(document.text))
    return document


def _evaluate(document: InputDocument, max_bytes: int, data_json: str) -> tuple[str, Any]:
    return _caught(lambda: _decision(document, max_bytes, data_json))


def _decision(document: InputDocument, max_bytes: int, data_json: str) -> Any:
    if document.digest:
        text = loading.decode(document.path, loading.read_bytes(document.path, max_bytes))
        if text_digest(text) != document.digest:
            raise InputError(document.path, "changed while it was being checked")
        document = replace(document, text=text)
    engine = _engines.get(data_json)
    if engine is None:
        engine = _engines[data_json] = EmbeddedEngine(load_pack(), json.loads(data_json))
    return engine.evaluate(document)


def _result(status: str, value: Any) -> Any:
    if status == "input":
        raise InputError(*value)
    if status == "error":
        raise EngineError(value)
    return value


# --- in the main process -------------------------------------------------------------


class Workers:
    """A pool of worker processes for one run."""

    def __init__(self, jobs: int) -> None:
        # Imported here: a run of one input does not pay for multiprocessing.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        # The workers, like the command, run without the cyclic garbage collector (see
        # cli._check): it would walk each parsed input again and again.
        self._pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=gc.disable
        )

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
        self, candidates: Sequence[Candidate], max_bytes: int, context: TemplateContext
    ) -> list[InputDocument | None]:
        """Each candidate read and checked (None: skipped); the first bad one in order fails."""
        futures = [self._pool.submit(_load, c, max_bytes, context) for c in candidates]
        return [_result(*future.result()) for future in futures]

    def evaluate(
        self, documents: Sequence[InputDocument], extra_data: dict[str, Any], max_bytes: int
    ) -> Iterator[Any]:
        """The decision for each document, in order."""
        data_json = json.dumps(extra_data)
        futures = [self._pool.submit(_evaluate, d, max_bytes, data_json) for d in documents]
        for future in futures:
            yield _result(*future.result())

"""Evaluation of many documents on all cores: one embedded engine per worker process.

Used when it pays off (several documents, and enough JSON to outweigh starting the
workers); each worker compiles the policy pack once and evaluates what it is sent. The
decisions are the same as one by one: the same policies and data, the same engine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

from validator.engines.embedded import EmbeddedEngine
from validator.errors import AsrGuardError, EngineError, InputError
from validator.inputs import InputDocument
from validator.policy import load_pack

# Below this much JSON in all, starting worker processes costs more than it saves.
MIN_PARALLEL_BYTES = 16 * 1024 * 1024

_engine: EmbeddedEngine | None = None


def auto_jobs(documents: Sequence[InputDocument]) -> int:
    total = sum(len(document.text) for document in documents)
    if len(documents) < 2 or total < MIN_PARALLEL_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, len(documents)))


def _init(data_json: str) -> None:
    global _engine
    _engine = EmbeddedEngine(load_pack(), json.loads(data_json))


def _evaluate(path: str, kind: str, text: str) -> tuple[str, Any]:
    """("ok", decision), or ("input" | "engine", message): exceptions do not cross processes."""
    assert _engine is not None
    try:
        return "ok", _engine.evaluate(InputDocument(path, kind, text, None))
    except InputError as exc:
        return "input", (exc.source, exc.reason)
    except AsrGuardError as exc:
        return "engine", str(exc)


def evaluate_all(
    documents: Sequence[InputDocument], extra_data: dict[str, Any], jobs: int
) -> Iterator[Any]:
    """Decisions in document order."""
    # Imported here: a run of one document does not pay for multiprocessing.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_init, initargs=(json.dumps(extra_data),)
    ) as pool:
        futures = [pool.submit(_evaluate, d.path, d.kind, d.text) for d in documents]
        for future in futures:
            status, value = future.result()
            if status == "input":
                raise InputError(*value)
            if status == "engine":
                raise EngineError(value)
            yield value

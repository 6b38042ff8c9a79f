"""The embedded engine: regorus, an in-process Rego interpreter (no server).

regorus comes from the gordon-to-regorus wheel, which exists for Linux (glibc 2.34+)
x86-64/arm64, Windows x86-64 and macOS only. Where it is not installed, asr-guard still
runs and evaluates with OPA instead (validator.engines.opa_binary, opa_server).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from validator.documents import InputDocument
from validator.errors import EngineError, InputError
from validator.policy import ENTRYPOINT, Decision, PolicyData, PolicyPack

# regorus prints a Rust backtrace into every error message when this is set;
# our errors are one line. Must be set before the first error is raised.
os.environ["RUST_BACKTRACE"] = "0"

try:
    import regorus
except ImportError:  # no wheel for this platform, or installed without the `embedded` extra
    regorus = None

# The one line a run prints where the embedded engine is missing and nothing else was asked for.
MISSING = (
    "no embedded engine on this machine (the regorus wheel is not installed: "
    "pip install 'asr-guard[embedded]' on Linux x86-64/arm64 with glibc 2.34+); "
    "evaluate with OPA instead: put the opa binary on PATH or name it with --opa-path "
    "(--engine opa), or give an OPA server with --opa-url"
)


def available() -> bool:
    """Whether the embedded engine can run here."""
    return regorus is not None


# A Rust panic inside regorus reaches Python as pyo3's PanicException, which derives from
# BaseException, not Exception: the engine catches these too, all but the interpreter's own.
_NOT_ENGINE_FAULTS = (KeyboardInterrupt, SystemExit, GeneratorExit)


def first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    # regorus errors read "--> file:row:col | ... | error: message": keep location and message.
    location = next((line for line in lines if line.startswith("-->")), "")
    message = next((line for line in lines if line.startswith("error:")), lines[0] if lines else "")
    return f"{message} {location}".strip() or type(exc).__name__


def _load_error(reason: str) -> EngineError:
    return EngineError(f"embedded engine: cannot load policies: {reason}")


def _read_error(path: str, reason: str) -> InputError | EngineError:
    if "recursion limit exceeded" in reason:
        # serde_json, inside regorus, reads at most 128 levels of nesting.
        return InputError(path, "nested deeper than 128 levels: refused")
    return EngineError(f"embedded engine: {path}: {reason}")


def _query_error(rule: str, reason: str) -> EngineError:
    return EngineError(f"embedded engine: {rule}: {reason}")


def _add_modules(engine: Any, modules: tuple[tuple[str, str], ...]) -> None:
    """Rego modules (name, source) into a regorus engine; its errors are the caller's to
    word."""
    for module_name, source in modules:
        engine.add_policy(module_name, source)


def _data_json(pack: PolicyPack, data: PolicyData | None) -> str:
    """One document (regorus does not deep-merge documents added one after another), as
    JSON text: its Python binding turns bool values into 0/1."""
    return json.dumps((data or PolicyData(pack.matrix)).document())


class EmbeddedEngine:
    name = "embedded"

    def __init__(
        self, pack: PolicyPack, data: PolicyData | None = None, ahead: Ahead | None = None
    ) -> None:
        """ahead: the evaluation of one input begun in a child process (Ahead.start); the
        engine here is made only for what the child does not evaluate."""
        if regorus is None:
            raise EngineError(MISSING)
        self._pack = pack
        self._data = _data_json(pack, data)
        self._ahead = ahead
        self._made: Any = None if ahead is not None else self._make()

    def _make(self) -> Any:
        engine = regorus.Engine()
        try:
            _add_modules(engine, self._pack.modules)
            engine.add_data_json(self._data)
        except _NOT_ENGINE_FAULTS:
            raise
        except BaseException as exc:  # regorus raises RuntimeError, ValueError, panics
            raise _load_error(first_line(exc)) from None
        return engine

    @property
    def _engine(self) -> Any:
        if self._made is None:
            self._made = self._make()
        return self._made

    def add_test_modules(self, pack: PolicyPack) -> None:
        try:
            _add_modules(self._engine, pack.test_modules)
        except _NOT_ENGINE_FAULTS:
            raise
        except BaseException as exc:
            raise EngineError(f"embedded engine: cannot load tests: {first_line(exc)}") from None

    def query(self, rule: str) -> Any:
        """Evaluate a rule path; None when it is undefined."""
        try:
            return json.loads(self._engine.eval_rule_as_json(rule))
        except _NOT_ENGINE_FAULTS:
            raise
        except BaseException as exc:
            raise _query_error(rule, first_line(exc)) from None

    def evaluate(self, document: InputDocument) -> Decision:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            answer = ahead.answer(document, self._data)
            if answer is not None:
                return Decision.parse(answer, self.name, document.path)
        self.read(document)
        return Decision.parse(self.query(ENTRYPOINT), self.name, document.path)

    def read(self, document: InputDocument) -> None:
        """Make this document the input of the queries that follow."""
        try:
            self._engine.set_input_json(document.text)
        except _NOT_ENGINE_FAULTS:
            raise
        except BaseException as exc:
            raise _read_error(document.path, first_line(exc)) from None

    def close(self) -> None:
        """The child of an evaluation begun ahead and not asked for is stopped; nothing
        else to release: the engine lives in this process."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.close()


# An input of at least this many characters is read by the engine ahead (class Ahead): about
# a 2 MB plan, 1,500 resources, which the engine reads in about 12 ms, over ten times what the
# fork costs (under 1 ms). A smaller input is read in this process after it is checked.
AHEAD_MIN_CHARS = 2_000_000

# What the child answers: a status byte, the length of what follows (8 bytes, big-endian:
# an answer cut short, by a child killed as it writes, is no answer), then the evaluation's
# JSON or the error's line.
_ANSWER, _LOAD_FAILED, _READ_FAILED, _QUERY_FAILED = b"=", b"L", b"R", b"Q"
_LENGTH = 8


class Ahead:
    """One input's evaluation begun in a child process while this one checks the input.

    The engine and Python read the same text, each all of it: the engine parses it for the
    policies (a tenth of a 10k-resource plan's run), this process parses and validates it.
    On two cores they can do it at once: right after the text is read, a forked child loads
    the pack and reads the text; this process checks the input and collects the waivers and
    inventory, then sends the child the data document, and the child evaluates and answers.
    The answer is used only for the text the child read, unchanged (a template whose
    expressions are resolved, or YAML re-serialised, is evaluated here). A child that stops
    without an answer (killed, out of memory) leaves the evaluation to this process; an
    error in the child is raised here as the same error the engine here would raise.

    Only on Linux (fork, no threads running), with the embedded engine, two cores or more
    (the process's affinity and its control group's CPU quota) and a large input; elsewhere,
    or where the fork is refused, the input is read after it is checked, as always.
    """

    def __init__(self, pid: int, to_child: int, from_child: int, text: str) -> None:
        self._pid = pid
        self._to_child = to_child
        self._from_child = from_child
        self.text = text

    @classmethod
    def start(cls, pack: PolicyPack, text: str) -> Ahead | None:
        """The child begun on this text, or None where reading ahead does not pay or is
        not safe."""
        if not _may_fork(text):
            return None
        pipes: list[int] = []
        try:
            pipes.extend(os.pipe())
            pipes.extend(os.pipe())
            pid = os.fork()
        except OSError:  # no process or descriptor to spare: read after checking, as always
            for descriptor in pipes:
                os.close(descriptor)
            return None
        data_read, data_write, answer_read, answer_write = pipes
        if pid == 0:  # the child: whatever happens, it never returns into the caller's code
            try:
                os.close(data_write)
                os.close(answer_read)
                _child(pack, text, data_read, answer_write)
            finally:
                os._exit(0)
        os.close(data_read)
        os.close(answer_write)
        return cls(pid, data_write, answer_read, text)

    def answer(self, document: InputDocument, data: str) -> Any:
        """The evaluation of this document with this data (its value, as the engine
        gives it), or None if the child did not evaluate it: another text, or the child
        stopped. Raises the errors EmbeddedEngine.read and query raise."""
        if document.text is not self.text:
            self.close()
            return None
        try:
            # A child that stopped takes no data: its answer, if it gave one, is read below.
            with contextlib.suppress(BrokenPipeError):
                _write_all(self._to_child, data.encode())
            os.close(self._to_child)
            self._to_child = -1
            reply = _read_all(self._from_child)
        finally:
            self.close()
        status, size = reply[:1], int.from_bytes(reply[1 : 1 + _LENGTH], "big")
        if len(reply) != 1 + _LENGTH + size:
            return None  # no answer, or one cut short: the child stopped as it gave it
        text = reply[1 + _LENGTH :].decode("utf-8", "replace")
        if status == _ANSWER:
            return json.loads(text)
        if status == _READ_FAILED:
            raise _read_error(document.path, text)
        if status == _LOAD_FAILED:
            raise _load_error(text)
        if status == _QUERY_FAILED:
            raise _query_error(ENTRYPOINT, text)
        return None  # not a status the child gives

    def close(self) -> None:
        """Stop the child (if it still runs) and reap it; idempotent."""
        for descriptor in (self._to_child, self._from_child):
            if descriptor >= 0:
                os.close(descriptor)
        self._to_child = self._from_child = -1
        if self._pid:
            pid, self._pid = self._pid, 0
            # Killed only while it is a child not yet waited for: its pid cannot be another
            # process's. (A caller that ignores SIGCHLD has it reaped by the system.)
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG) == (0, 0):
                    os.kill(pid, 9)  # SIGKILL, by number: the signal module is not loaded
                    os.waitpid(pid, 0)


def _may_fork(text: str) -> bool:
    return (
        regorus is not None
        and len(text) >= AHEAD_MIN_CHARS
        and sys.platform == "linux"
        and len(os.sched_getaffinity(0)) >= 2
        and _cpu_quota() >= 2
        and _single_threaded()
    )


# The CPU quota of the process's control group as mounted at /sys/fs/cgroup, v2 then v1 (a
# container or CI job limited to one CPU on a larger host): "max", -1 or no file, no quota.
_QUOTA_FILES = (
    ("/sys/fs/cgroup/cpu.max",),
    ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu/cpu.cfs_period_us"),
)


def _cpu_quota() -> float:
    """CPUs the control group may use at once (infinity where it sets no limit)."""
    for files in _QUOTA_FILES:
        try:
            fields = " ".join(Path(name).read_text(encoding="ascii") for name in files).split()
        except (OSError, ValueError):
            continue
        if len(fields) == 2 and fields[0] not in ("max", "-1"):
            with contextlib.suppress(ValueError, ZeroDivisionError):
                return int(fields[0]) / int(fields[1])
        return float("inf")
    return float("inf")


def _single_threaded() -> bool:
    """No other thread runs in this process (a library caller's): fork copies only the
    calling thread, and a lock another one holds would stay held in the child."""
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _child(pack: PolicyPack, text: str, data_read: int, answer_write: int) -> None:
    """Load the pack, read the text, wait for the data, evaluate, answer. (The caller then
    leaves the process at once: no Python clean-up, nothing flushed, the parent's buffers
    and exit handlers are not the child's.)"""
    status, reply = _LOAD_FAILED, ""
    try:
        engine = regorus.Engine()
        _add_modules(engine, pack.modules)
        status = _READ_FAILED
        engine.set_input_json(text)
        data = _read_all(data_read)
        if data:  # none: the parent went on without this evaluation
            status = _LOAD_FAILED
            engine.add_data_json(data.decode())
            status = _QUERY_FAILED
            reply = engine.eval_rule_as_json(ENTRYPOINT)
            status = _ANSWER
    except BaseException as exc:  # every fault is the parent's to report
        reply = first_line(exc)
    if status == _ANSWER or reply:
        payload = reply.encode()
        _write_all(answer_write, status + len(payload).to_bytes(_LENGTH, "big") + payload)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _read_all(descriptor: int) -> bytes:
    chunks = []
    while chunk := os.read(descriptor, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)

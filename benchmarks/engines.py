"""Which embedded engine: our policy pack's entrypoint on each candidate, same plans, one run.

Candidates: regorus (gordon-to-regorus, the embedded engine), real OPA 1.20.2 as a Go
library (opa-golib-python-bindings) and rego-cpp (regopy), each where installed. Times
are input loading plus evaluation of data.asr_guard.main.report, best of --repeat.

    python benchmarks/engines.py --sizes 1000 5000 10000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import generate
from validator.policy import ENTRYPOINT, PolicyData, load_pack

Runner = Callable[[str], Any]


def regorus_runner() -> Runner:
    import regorus

    pack = load_pack()
    engine = regorus.Engine()
    for name, source in pack.modules:
        engine.add_policy(name, source)
    engine.add_data_json(json.dumps(PolicyData(pack.matrix).document()))

    def run(text: str) -> Any:
        engine.set_input_json(text)
        return json.loads(engine.eval_rule_as_json(ENTRYPOINT))

    return run


def opa_runner() -> Runner:
    from opa_bindings import OpaEngine

    pack = load_pack()
    engine = OpaEngine()
    for name, source in pack.modules:
        engine.add_policy(name, source)
    engine.add_data(PolicyData(pack.matrix).document())
    path = ENTRYPOINT.removeprefix("data.")
    return lambda text: engine.eval_document(path, json.loads(text))


def regopy_runner() -> Runner:
    import regopy

    pack = load_pack()

    def run(text: str) -> Any:
        interpreter = regopy.Interpreter()
        for name, source in pack.modules:
            interpreter.add_module(name, source)
        interpreter.add_data_json(json.dumps(PolicyData(pack.matrix).document()))
        interpreter.set_input_json(text)
        return interpreter.query(ENTRYPOINT)

    return run


CANDIDATES: dict[str, Callable[[], Runner]] = {
    "regorus": regorus_runner,
    "opa-golib": opa_runner,
    "regopy": regopy_runner,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runners: dict[str, Runner] = {}
    for name, make in CANDIDATES.items():
        try:
            runners[name] = make()
        except ImportError:
            print(f"{name}: not installed, skipped")
    print(f"{'resources':>9} " + " ".join(f"{name:>10}" for name in runners))
    for size in args.sizes:
        text = json.dumps(generate(size))
        cells = []
        for run in runners.values():
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                try:
                    run(text)
                except Exception as exc:  # report, do not stop the comparison
                    cells.append(f"{'error':>10}")
                    print(f"  {type(exc).__name__}: {str(exc)[:80]}", file=sys.stderr)
                    break
                best = min(best, time.perf_counter() - start)
            else:
                cells.append(f"{best:>9.3f}s")
        print(f"{size:>9} " + " ".join(cells))


if __name__ == "__main__":
    main()

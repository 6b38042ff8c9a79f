"""Instructions the embedded engine spends evaluating the policies on one input (callgrind).

    python benchmarks/instructions.py benchmarks/out/plan-1000.json
    python benchmarks/instructions.py plan.json --inventory inv.yaml --query 'count(data.x.y)'
    python benchmarks/instructions.py template.json --scope /subscriptions/.../resourceGroups/rg
    python benchmarks/instructions.py plan.json --waivers waivers.yaml

On a shared machine the wall time of one evaluation varies by a third from run to run, more
than most changes to the policies save; the instructions valgrind counts vary by well under
1%. The input is loaded and prepared as `asr-guard check` does (the embedded engine reads the
same text and data document); the engine is set up twice under callgrind, once evaluating the
query and once not, and the difference is printed in millions of instructions. Needs valgrind
(not a dependency of asr-guard).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import regorus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from validator.files import Candidate
from validator.inputs import load_input
from validator.inventory import inventory_data
from validator.kinds import run_context
from validator.policy import ENTRYPOINT, PolicyData, load_pack
from validator.waivers import load_waiver_file, waivers_data

COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def child(directory: Path, query: str, evaluate: bool) -> None:
    """Set up an engine with the saved input and data; evaluate the query when asked."""
    engine = regorus.Engine()
    for name, source in load_pack().modules:
        engine.add_policy(name, source)
    engine.add_data_json((directory / "data.json").read_text(encoding="utf-8"))
    engine.set_input_json((directory / "input.json").read_text(encoding="utf-8"))
    if evaluate:
        engine.eval_query_as_json(query)


def instructions(directory: Path, query: str, evaluate: bool) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        str(directory),
        "--query",
        query,
        *(["--evaluate"] if evaluate else []),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = COLLECTED.search(done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", nargs="?")
    parser.add_argument("--inventory", action="append", default=[])
    parser.add_argument("--query", default=ENTRYPOINT)
    parser.add_argument("--scope", help="an ARM template's deployment scope, as check --scope")
    parser.add_argument("--waivers", action="append", default=[], help="a waivers file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--evaluate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.query, args.evaluate)
        return
    if args.input is None:
        parser.error("name an input")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    context = run_context(scope=args.scope)
    document = load_input(Candidate(args.input), context=context)
    if document is None:
        raise SystemExit(f"{args.input}: not an input asr-guard reads")
    pack = load_pack()
    waivers = [waiver for path in args.waivers for waiver in load_waiver_file(path)]
    data = PolicyData(
        pack.matrix,
        inventory_data(args.inventory) if args.inventory else None,
        waivers_data(waivers, dt.date.today()) if waivers else None,
    )
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        (directory / "input.json").write_text(document.text, encoding="utf-8")
        (directory / "data.json").write_text(json.dumps(data.document()), encoding="utf-8")
        spent = instructions(directory, args.query, True) - instructions(
            directory, args.query, False
        )
    print(f"{spent / 1e6:.0f}M instructions: {args.query} on {args.input}")


if __name__ == "__main__":
    main()

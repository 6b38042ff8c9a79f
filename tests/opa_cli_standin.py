"""A stand-in for the `opa` command line, for tests only: `opa version`, `opa eval` and
`opa run --server`.

The real binary cannot be installed on this project's machines (no package registry they
reach ships it); this program takes the command lines the `opa` engine gives the binary and
answers them with decisions of the real OPA engine (OPA 1.20.2 as a Go library,
opa-golib-python-bindings), in the binary's output format. It loads --data the way the binary
does: every .rego file under a directory, and each data.json as the document at its
directory's path. tests/test_opa_binary.py runs the same cases against the real binary when
one is on PATH.

    python tests/opa_cli_standin.py eval --format json --stdin-input --data DIR QUERY
    python tests/opa_cli_standin.py run --server --addr 127.0.0.1:PORT DIR

`run --server` serves OPA's REST API with tests/opa_rest_server.py, loaded with DIR as above.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from opa_bindings import OpaEngine, OpaError, OpaUndefinedError

VERSION = "1.20.2"


def _merge(target: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    if path:
        existing = target.get(path[-1])
        if isinstance(existing, dict) and isinstance(value, dict):
            existing.update(value)
        else:
            target[path[-1]] = value


def read(roots: list[str]) -> tuple[dict[str, str], dict[str, Any]]:
    """The modules (by file) and the data document under these paths, as `opa` loads them."""
    modules: dict[str, str] = {}
    data: dict[str, Any] = {}
    for root in map(Path, roots):
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.suffix == ".rego":
                modules[str(path)] = path.read_text(encoding="utf-8")
            elif path.name == "data.json":
                where = path.parent.relative_to(root) if root.is_dir() else Path()
                value = json.loads(path.read_text(encoding="utf-8"))
                if where.parts:
                    _merge(data, list(where.parts), value)
                else:
                    data.update(value)
    return modules, data


def load(engine: OpaEngine, roots: list[str]) -> None:
    modules, data = read(roots)
    for name, source in modules.items():
        engine.add_policy(name, source)
    engine.add_data(data)


def serve(args: argparse.Namespace) -> int:
    from tests.opa_rest_server import _Server

    host, port = args.addr.rsplit(":", 1)
    server = _Server(address=(host, int(port)))
    modules, data = read(args.paths)
    for name, source in modules.items():
        server.state.put_policy(name, source)
    server.state.put_data([], data)
    server.serve_forever()
    return 0


def evaluate(args: argparse.Namespace) -> int:
    engine = OpaEngine()
    try:
        load(engine, args.data)
        query = args.query.removeprefix("data.")
        input_value = json.load(sys.stdin) if args.stdin_input else None
        try:
            value = engine.eval_document(query, input_value)
        except OpaUndefinedError:
            print("{}")
            return 0
    except OpaError as exc:
        print(json.dumps({"errors": [{"message": str(exc)}]}))
        return 1
    finally:
        engine.close()
    answer = {"result": [{"expressions": [{"value": value, "text": args.query}]}]}
    print(json.dumps(answer))
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["version"]:
        print(f"Version: {VERSION}\nBuild Commit: stand-in\nGo Version: go1.25")
        return 0
    parser = argparse.ArgumentParser(prog="opa")
    commands = parser.add_subparsers(dest="command", required=True)
    eval_ = commands.add_parser("eval")
    eval_.add_argument("--format", "-f", choices=["json"], required=True)
    eval_.add_argument("--stdin-input", "-I", action="store_true")
    eval_.add_argument("--data", "-d", action="append", default=[])
    eval_.add_argument("--v1-compatible", action="store_true")
    eval_.add_argument("query")
    run = commands.add_parser("run")
    run.add_argument("--server", action="store_true", required=True)
    run.add_argument("--addr", required=True)
    run.add_argument("--log-level")
    run.add_argument("--v1-compatible", action="store_true")
    run.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    return serve(args) if args.command == "run" else evaluate(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

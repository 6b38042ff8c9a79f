"""End-to-end benchmark: `asr-guard check` against `json.load` of the same plan, in one run.

Generates synthetic azurerm plans (VMs with replicated items, disks, attachments, one in
ten replicated VMs replaced, a tenth of the resources in child modules) of the requested
sizes, then times each command in a fresh process and reads its peak RSS.

    python benchmarks/bench.py                 # 1k, 10k, 50k resources
    python benchmarks/bench.py --sizes 1000 100000 --repeat 3
    python benchmarks/bench.py --only growth   # the growth curve of every input kind
    python benchmarks/bench.py --against 20f4e48 --sizes 10000 --arm-sizes 1000 --dir-plans 2

--against REV measures the command of another commit as well, in the same run and on the same
inputs (a git worktree of it, in a temporary directory, run with this environment's packages):
the before and after that a change's note reports. Its column is added to the plan, template
and pre-commit rows; the directory and growth sections measure this tree only.

The growth section (issue 13) checks every input kind (benchmarks/growth.py) at growing
sizes and reports time and peak memory against linear growth: the large-size curve of what
tests/test_growth.py holds at small sizes.

The package's bytecode is compiled first, as `pip install` does: an installed asr-guard
imports compiled modules, and a checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise
compile every module in every measured run.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import growth as growth_inputs

OUT = Path(__file__).resolve().parent / "out"
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"


def vm_id(i: int) -> str:
    return f"{SUB}/resourceGroups/rg-{i % 50}/providers/Microsoft.Compute/virtualMachines/vm-{i}"


def disk_id(i: int) -> str:
    return f"{SUB}/resourceGroups/rg-{i % 50}/providers/Microsoft.Compute/disks/disk-{i}"


def change(
    address: str, type_: str, actions: list[str], before: Any, after: Any, **extra: Any
) -> dict[str, Any]:
    name = address.rsplit(".", 1)[-1].split("[")[0]
    return {
        "address": address,
        "mode": "managed",
        "type": type_,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/azurerm",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}},
        **extra,
    }


def vm_values(i: int) -> dict[str, Any]:
    return {
        "id": vm_id(i),
        "name": f"vm-{i}",
        "location": "westeurope",
        "resource_group_name": f"rg-{i % 50}",
        "size": "Standard_D2s_v5",
        "admin_username": "azureuser",
        "network_interface_ids": [
            f"{SUB}/resourceGroups/rg-{i % 50}/providers/Microsoft.Network/"
            f"networkInterfaces/nic-{i}"
        ],
        "os_disk": [
            {"caching": "ReadWrite", "storage_account_type": "Premium_LRS", "disk_size_gb": 30}
        ],
        "os_managed_disk_id": disk_id(i) + "-os",
        "tags": {"env": "prod", "app": f"app-{i % 20}", "owner": "platform"},
    }


def generate(resources: int) -> dict[str, Any]:
    """Groups of four resources: VM, replicated item, data disk, attachment."""
    changes = []
    prior = []
    groups = max(1, resources // 4)
    for i in range(groups):
        prefix = f"module.app_{i % 10}." if i % 10 == 0 else ""
        module = {"module_address": prefix.rstrip(".")} if prefix else {}
        vm = vm_values(i)
        replaced = i % 10 == 3
        changes.append(
            change(
                f"{prefix}azurerm_linux_virtual_machine.vm_{i}",
                "azurerm_linux_virtual_machine",
                ["delete", "create"] if replaced else ["no-op"],
                vm,
                {k: v for k, v in vm.items() if k != "id"} if replaced else vm,
                **module,
            )
        )
        item = {
            "id": f"{vm_id(i)}-asr",
            "name": f"vm-{i}-asr",
            "source_vm_id": vm_id(i),
            "managed_disk": [{"disk_id": disk_id(i), "target_disk_type": "Premium_LRS"}],
        }
        changes.append(
            change(
                f"{prefix}azurerm_site_recovery_replicated_vm.vm_{i}",
                "azurerm_site_recovery_replicated_vm",
                ["no-op"],
                item,
                item,
                **module,
            )
        )
        disk = {
            "id": disk_id(i),
            "name": f"disk-{i}",
            "create_option": "Empty",
            "disk_size_gb": 128,
            "storage_account_type": "Premium_LRS",
            "location": "westeurope",
        }
        changes.append(
            change(
                f"{prefix}azurerm_managed_disk.disk_{i}",
                "azurerm_managed_disk",
                ["no-op"],
                disk,
                disk,
                **module,
            )
        )
        attach = {
            "id": f"{vm_id(i)}/dataDisks/disk-{i}",
            "virtual_machine_id": vm_id(i),
            "managed_disk_id": disk_id(i),
            "lun": 0,
        }
        changes.append(
            change(
                f"{prefix}azurerm_virtual_machine_data_disk_attachment.disk_{i}",
                "azurerm_virtual_machine_data_disk_attachment",
                ["no-op"],
                attach,
                attach,
                **module,
            )
        )
        prior.append(
            {
                "address": f"azurerm_site_recovery_replicated_vm.vm_{i}",
                "mode": "managed",
                "type": "azurerm_site_recovery_replicated_vm",
                "name": f"vm_{i}",
                "values": item,
            }
        )
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes,
        "prior_state": {"values": {"root_module": {"resources": prior}}},
        "planned_values": {"root_module": {"resources": []}},
        "configuration": {"root_module": {"resources": []}},
    }


MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)
"""


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """Wall time (s), peak RSS (KiB) and exit code of one fresh run of command (run in cwd:
    `python -m validator` imports the package of its working directory first)."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    seconds, rss, code = done.stdout.split()
    return float(seconds), int(rss), int(code)


SNAPSHOTS = "Microsoft.Compute/snapshots"
DISKS = "Microsoft.Compute/disks"


def prefixed(name: str) -> str:
    return f"concat(parameters('prefix'), '{name}')"


def arm_template(resources: int) -> dict[str, Any]:
    """An ARM template of VMs, each with a data disk copied from a snapshot (3 resources each)."""
    groups = max(1, resources // 3)
    items: list[dict[str, Any]] = []
    for i in range(groups):
        disk_name = f"vm-{i}-data-copy"
        items.append(
            {
                "type": "Microsoft.Compute/disks",
                "apiVersion": "2024-03-02",
                "name": f"[concat(parameters('prefix'), '{disk_name}')]",
                "location": "[parameters('location')]",
                "properties": {
                    "creationData": {
                        "createOption": "Copy" if i % 10 == 3 else "Empty",
                        "sourceResourceId": f"[resourceId('{SNAPSHOTS}', 'snap-{i}')]",
                    },
                    "diskSizeGB": 128,
                },
            }
        )
        items.append(
            {
                "type": "Microsoft.Network/networkInterfaces",
                "apiVersion": "2024-01-01",
                "name": f"[format('{{0}}vm-{i}-nic', parameters('prefix'))]",
                "location": "[parameters('location')]",
                "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {}}]},
            }
        )
        items.append(
            {
                "type": "Microsoft.Compute/virtualMachines",
                "apiVersion": "2024-07-01",
                "name": f"[concat(parameters('prefix'), 'vm-{i}')]",
                "location": "[parameters('location')]",
                "properties": {
                    "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
                    "storageProfile": {
                        "dataDisks": [
                            {
                                "lun": 0,
                                "createOption": "Attach",
                                "managedDisk": {
                                    "id": f"[resourceId('{DISKS}', {prefixed(disk_name)})]"
                                },
                            }
                        ]
                    },
                },
            }
        )
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "prefix": {"type": "string", "defaultValue": ""},
            "location": {"type": "string", "defaultValue": "westeurope"},
        },
        "resources": items,
    }


SCOPE = f"{SUB}/resourceGroups/rg-bench"


def arm_inventory(resources: int) -> dict[str, Any]:
    groups = max(1, resources // 3)
    return {
        "replicated_vms": [
            f"{SCOPE}/providers/Microsoft.Compute/virtualMachines/vm-{i}" for i in range(groups)
        ]
    }


Row = tuple[str, int, float, float, int, int, float | None]


def compare(
    label: str, path: Path, guard_args: list[str], repeat: int, expect: int, against: Path | None
) -> Row:
    baseline_cmd = [sys.executable, "-c", f"import json; json.load(open({str(path)!r}))"]
    guard_cmd = [sys.executable, "-m", "validator", "check", str(path), *guard_args]
    # Written files are flushed first (no write-back during the runs). The commands take
    # turns, round after round, after one unmeasured round: this machine's speed comes and
    # goes in waves of seconds, which a block of one command's runs would put into the ratio
    # (20f4e48's 10k plan: 2.22x json.load taking turns, 1.55x in blocks, on one day).
    os.sync()
    commands: list[tuple[list[str], Path | None]] = [(baseline_cmd, None), (guard_cmd, None)]
    commands += [(guard_cmd, against)] if against else []
    rounds = [[measure(command, cwd) for command, cwd in commands] for _ in range(repeat + 1)]
    base, guard, *rest = ([r[i] for r in rounds[1:]] for i in range(len(commands)))
    other = rest[0] if rest else []
    if {code for *_, code in guard} != {expect}:
        raise SystemExit(f"asr-guard exited {guard} on {path}, expected {expect}")
    if {code for *_, code in other} - {0, 1}:
        raise SystemExit(f"the other commit's asr-guard exited {other} on {path}")
    return (
        label,
        path.stat().st_size,
        statistics.median(t for t, _, _ in base),
        statistics.median(t for t, _, _ in guard),
        max(r for _, r, _ in base),
        max(r for _, r, _ in guard),
        statistics.median(t for t, _, _ in other) if other else None,
    )


def table(title: str, rows: list[Row], against: str | None) -> None:
    print(f"\n{title}")
    other = f" {against[:11]:>11} {'ratio':>6}" if against else ""
    print(
        f"{'input':>22} {'MiB':>6} {'json.load s':>11} {'asr-guard s':>11} {'ratio':>6} "
        f"{'json MiB':>8} {'guard MiB':>9} {'ratio':>6}{other}"
    )
    for label, nbytes, b_time, g_time, b_rss, g_rss, o_time in rows:
        other = "" if o_time is None else f" {o_time:>11.3f} {o_time / b_time:>6.2f}"
        print(
            f"{label:>22} {nbytes / 2**20:>6.1f} {b_time:>11.3f} {g_time:>11.3f} "
            f"{g_time / b_time:>6.2f} {b_rss / 1024:>8.0f} {g_rss / 1024:>9.0f} "
            f"{g_rss / b_rss:>6.2f}{other}"
        )


def growth(rows: list[Row], sizes: list[int], what: str = "") -> None:
    if len(rows) > 1:
        ratio = (rows[-1][3] / rows[0][3]) / (sizes[-1] / sizes[0])
        print(
            f"time growth from {sizes[0]} to {sizes[-1]} resources{what}, relative to linear: "
            f"{ratio:.2f}"
        )


# .tf trees go through python-hcl2, some 100 times slower per resource than JSON: a tenth.
# Templates: a quarter (Azure takes 800 resources in one; copy loops and nested deployments
# reach asr-guard's bound of 50,000 resolved, where policy evaluation is not linear yet).
GROWTH_SCALE = {"tf": 0.1, "template": 0.25}


def growth_curve(sizes: list[int], repeat: int) -> None:
    """Every input kind at growing sizes, each check a fresh process: time, peak RSS, and
    the growth from the first size to the last relative to linear (1.00 = linear; start-up
    costs make it less at small sizes; a quadratic step makes it grow with the sizes)."""
    print("\nGrowth: every input kind at growing sizes (fresh process per check)")
    print(
        f"{'kind':>10} {'n':>7} {'MiB':>6} {'seconds':>8} {'peak MiB':>8}   "
        "growth vs linear (time, memory)"
    )
    for kind in growth_inputs.KINDS:
        points = []
        for size in sizes:
            n = max(1, int(size * GROWTH_SCALE.get(kind, 1)))
            directory = OUT / "growth" / kind / str(n)
            args = growth_inputs.write_case(kind, n, directory)
            nbytes = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
            command = [sys.executable, "-m", "validator", "check", *args, "--format", "json"]
            command += ["--today", "2026-12-02"]
            os.sync()
            runs = [measure(command) for _ in range(repeat + 1)][1:]
            if {code for *_, code in runs} - {0, 1}:
                raise SystemExit(f"asr-guard exited {runs} on {kind} of size {n}")
            seconds = statistics.median(t for t, _, _ in runs)
            rss = max(r for _, r, _ in runs)
            points.append((n, seconds, rss))
            print(f"{kind:>10} {n:>7} {nbytes / 2**20:>6.1f} {seconds:>8.3f} {rss / 1024:>8.0f}")
        (n0, t0, r0), (n1, t1, r1) = points[0], points[-1]
        print(
            f"{kind:>10} {'':>7} {'':>6} {'':>8} {'':>8}   "
            f"{(t1 / t0) / (n1 / n0):.2f}, {(r1 / r0) / (n1 / n0):.2f}"
        )


@contextlib.contextmanager
def worktree(revision: str) -> Iterator[Path]:
    """A git worktree of revision in a temporary directory, its bytecode compiled; removed
    after."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as temporary:
        tree = Path(temporary) / "tree"
        subprocess.run(
            ["git", "-C", str(root), "worktree", "add", "--detach", "--quiet", str(tree), revision],
            check=True,
        )
        try:
            compileall.compile_dir(tree / "validator", quiet=1)
            found = subprocess.run(
                [sys.executable, "-c", "import validator; print(validator.__file__)"],
                cwd=tree,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            if not Path(found).resolve().is_relative_to(tree.resolve()):
                raise SystemExit(f"{revision}: python -m validator there imports {found}")
            yield tree
        finally:
            subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(tree)])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000, 100000])
    parser.add_argument("--arm-sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--dir-plans", type=int, default=8, help="plans in the directory case")
    parser.add_argument("--dir-size", type=int, default=10000, help="resources per plan there")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per command; the median is reported"
    )
    parser.add_argument(
        "--growth-sizes",
        type=int,
        nargs="+",
        default=[1000, 4000, 16000, 64000],
        help="sizes of the growth section (a tenth for .tf trees, a quarter for templates)",
    )
    parser.add_argument(
        "--only", choices=["growth"], help="run one section only (default: every section)"
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="measure this commit's command too (plans, templates, pre-commit)",
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        against = stack.enter_context(worktree(args.against)) if args.against else None
        run(args, against)


def run(args: argparse.Namespace, against: Path | None) -> None:
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "validator", quiet=1)
    OUT.mkdir(exist_ok=True)
    if args.only == "growth":
        growth_curve(args.growth_sizes, args.repeat)
        return

    rows = []
    for size in args.sizes:
        plan = OUT / f"plan-{size}.json"
        plan.write_text(json.dumps(generate(size)))
        rows.append(compare(f"plan {size}", plan, ["--format", "json"], args.repeat, 1, against))
    table("Terraform plans: asr-guard check against json.load of the same file", rows, args.against)
    growth(rows, args.sizes)

    arm_rows: list[Row] = []
    unscoped_rows: list[Row] = []
    for size in args.arm_sizes:
        template = OUT / f"template-{size}.json"
        template.write_text(json.dumps(arm_template(size)))
        inventory = OUT / f"inventory-{size}.json"
        inventory.write_text(json.dumps(arm_inventory(size)))
        guard_args = ["--scope", SCOPE, "--inventory", str(inventory), "--format", "json"]
        arm_rows.append(compare(f"template {size}", template, guard_args, args.repeat, 1, against))
        # Deployed to no given scope (no --scope: a hook on a Bicep build's output): ids with
        # placeholders, matched to the inventory outside them.
        label = f"template {size} no scope"
        unscoped_rows.append(compare(label, template, guard_args[2:], args.repeat, 1, against))
    table(
        "ARM templates (expressions resolved): asr-guard check against json.load",
        arm_rows + unscoped_rows,
        args.against,
    )
    growth(arm_rows, args.arm_sizes)
    growth(unscoped_rows, args.arm_sizes, " (no scope)")

    directory = OUT / "plans"
    directory.mkdir(exist_ok=True)
    for old in directory.glob("*.json"):
        old.unlink()
    text = json.dumps(generate(args.dir_size))
    for i in range(args.dir_plans):
        (directory / f"plan-{i}.json").write_text(text)
    base = [sys.executable, "-m", "validator", "check", str(directory), "--format", "json"]
    os.sync()
    one = statistics.median(measure([*base, "--jobs", "1"])[0] for _ in range(args.repeat))
    auto = statistics.median(measure(base)[0] for _ in range(args.repeat))
    print(f"\nA directory of {args.dir_plans} plans of {args.dir_size} resources, one process:")
    print(
        f"  --jobs 1: {one:.3f} s; default (all {os.cpu_count()} cores): {auto:.3f} s; "
        f"speed-up {one / auto:.2f}x"
    )

    small = (
        Path(__file__).resolve().parent.parent / "examples" / "restore" / "vm-restore-in-place.json"
    )
    interpreter = statistics.median(measure([sys.executable, "-c", "pass"])[0] for _ in range(5))
    hook_cmd = [sys.executable, "-m", "validator", "check", str(small)]
    runs = [
        (measure(hook_cmd)[0], measure(hook_cmd, against)[0] if against else 0.0) for _ in range(5)
    ]
    other = f"; {args.against}: {statistics.median(o for _, o in runs):.3f} s" if against else ""
    print(
        f"\nThe pre-commit case (one small file, the whole command, cold): "
        f"{statistics.median(t for t, _ in runs):.3f} s "
        f"(Python start-up alone: {interpreter:.3f} s; target 0.5 s){other}"
    )

    growth_curve(args.growth_sizes, args.repeat)


if __name__ == "__main__":
    main()

"""`asr-guard bundle`: the policy pack for OPA and for the platforms that run OPA themselves.

--format opa (default): an OPA bundle (https://www.openpolicyagent.org/docs/management-bundles),
a .tar.gz that `opa run --server --bundle` loads or a bundle service serves: the policies,
the support matrix as data, optionally a central replication inventory, and a .manifest
whose roots are ["asr_guard"] (so it can sit beside other bundles) and whose revision is
the policy version. Packages outside that root (the env0 and Spacelift entry points, which
those platforms require by name) are left out: a bundle may not own what lies outside its
roots.

--format rego: a directory of Rego files only, for platforms whose policy sets load .rego
files and no data files (HCP Terraform / Terraform Enterprise, env0): the matrix and the
inventory become Rego rules at the same data paths, and a policies.hcl names the HCP
Terraform queries.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
from pathlib import Path
from typing import Any

from validator.__version__ import __version__
from validator.errors import AsrGuardError
from validator.policy import MATRIX_FILE, PolicyPack

ROOT = "asr_guard"
_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

POLICIES_HCL = """\
# HCP Terraform / Terraform Enterprise OPA policy set (docs/platforms/hcp-terraform.md).
policy "asr-guard-deny" {
  query             = "data.asr_guard.platforms.hcp_terraform.deny"
  enforcement_level = "mandatory"
  description       = "Changes that would silently break Azure Site Recovery replication"
}

policy "asr-guard-warn" {
  query             = "data.asr_guard.platforms.hcp_terraform.warn"
  enforcement_level = "advisory"
  description       = "Changes that Azure Site Recovery replication should be checked for"
}
"""


def package_of(source: str) -> str:
    found = _PACKAGE.search(source)
    return found.group(1) if found else ""


def under_root(package: str) -> bool:
    return package == ROOT or package.startswith(ROOT + ".")


def manifest(pack: PolicyPack) -> dict[str, Any]:
    return {
        "revision": pack.version,
        "roots": [ROOT],
        "rego_version": 1,
        "metadata": {"name": "asr-guard", "asr_guard_version": __version__},
    }


def bundle_files(pack: PolicyPack, inventory: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The files of the OPA bundle, by path in the archive."""
    files = {
        name: source.encode() for name, source in pack.modules if under_root(package_of(source))
    }
    files[MATRIX_FILE.as_posix()] = json.dumps(pack.matrix, indent=1).encode()
    if inventory is not None:
        files[f"{ROOT}/inventory/data.json"] = json.dumps(inventory, indent=1).encode()
    files[".manifest"] = json.dumps(manifest(pack), indent=1).encode()
    return dict(sorted(files.items()))


def _rego_document(package: str, document: dict[str, Any], what: str) -> bytes:
    """A JSON object as a Rego package of one rule per key (JSON values are Rego terms)."""
    lines = [
        f"# {what}, written by asr-guard {__version__} (asr-guard bundle --format rego).",
        f"package {package}",
        "",
    ]
    for key, value in document.items():
        if not _IDENTIFIER.match(key):
            raise AsrGuardError(f"{what}: key {key!r} cannot be a Rego rule name")
        lines.append(f"{key} := {json.dumps(value, indent=1)}")
        lines.append("")
    return "\n".join(lines).encode()


def rego_files(pack: PolicyPack, inventory: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The files of a Rego-only policy set, by path in the directory."""
    files = {name: source.encode() for name, source in pack.modules}
    files[f"{ROOT}/matrix/matrix.rego"] = _rego_document(
        f"{ROOT}.matrix", pack.matrix, "The support matrix"
    )
    if inventory is not None:
        files[f"{ROOT}/inventory/inventory.rego"] = _rego_document(
            f"{ROOT}.inventory", inventory, "The replication inventory"
        )
    files["policies.hcl"] = POLICIES_HCL.encode()
    return dict(sorted(files.items()))


def write_archive(path: Path, files: dict[str, bytes]) -> None:
    """A .tar.gz with the same bytes for the same files (no times, owners or modes of ours)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(content))
    path.write_bytes(gzip.compress(buffer.getvalue(), mtime=0))


def write_directory(path: Path, files: dict[str, bytes]) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise AsrGuardError(f"{path}: exists and is not an empty directory")
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def build(pack: PolicyPack, output: str, fmt: str, inventory: dict[str, Any] | None) -> str:
    """Writes the bundle (opa) or the policy set directory (rego); returns what was written."""
    path = Path(output)
    try:
        if fmt == "opa":
            files = bundle_files(pack, inventory)
            write_archive(path, files)
            return f"{output}: OPA bundle, revision {pack.version}, {len(files)} files"
        files = rego_files(pack, inventory)
        write_directory(path, files)
        return f"{output}: Rego policy set, policy version {pack.version}, {len(files)} files"
    except OSError as exc:
        raise AsrGuardError(f"{output}: cannot write: {exc.strerror or exc}") from None

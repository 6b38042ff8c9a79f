"""Does `pip install asr-guard` find a wheel for every dependency where its users run?

For each platform below, the dependencies that pyproject.toml declares for it (its
environment markers evaluated for that platform, not for this machine) are resolved with
`pip download --only-binary=:all:` for that platform, transitive dependencies included.
So the check needs no build tools and no compiler: a dependency without a wheel there
fails it. Where the embedded engine has no wheel (musl, glibc older than 2.34), it must
not be required at all: asr-guard then installs without it and evaluates with OPA.

    python scripts/check_wheels.py            # every platform
    python scripts/check_wheels.py win_amd64  # one

Needs the package index (run by scripts/test, so by CI). pip evaluates the markers of
transitive dependencies for the machine it runs on (a pip limitation); those of
asr-guard's dependencies name Python versions only, which are the same here (3.11).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
ENGINE = "gordon-to-regorus"
PYTHON = "3.11"


@dataclass(frozen=True)
class Platform:
    name: str
    tags: tuple[str, ...]  # pip --platform values, newest first
    sys_platform: str
    platform_machine: str
    extras: tuple[str, ...]  # what the install instructions for this platform name
    engine: bool  # whether the embedded engine must come with it


def _manylinux(arch: str, newest: int) -> tuple[str, ...]:
    return (
        *(f"manylinux_2_{minor}_{arch}" for minor in range(newest, 16, -1)),
        f"manylinux2014_{arch}",
    )


def _macos(arch: str) -> tuple[str, ...]:
    versions = [f"{major}_0" for major in range(15, 10, -1)]
    versions += [f"10_{minor}" for minor in range(15, 8, -1)] if arch == "x86_64" else []
    return tuple(f"macosx_{v}_{a}" for v in versions for a in (arch, "universal2"))


PLATFORMS = (
    Platform("linux-x86_64", _manylinux("x86_64", 34), "linux", "x86_64", ("embedded",), True),
    Platform("linux-aarch64", _manylinux("aarch64", 34), "linux", "aarch64", ("embedded",), True),
    Platform("win_amd64", ("win_amd64",), "win32", "AMD64", (), True),
    Platform("macos-arm64", _macos("arm64"), "darwin", "arm64", (), True),
    Platform("macos-x86_64", _macos("x86_64"), "darwin", "x86_64", (), True),
    # Where no embedded engine exists: the plain install must still succeed, without it.
    Platform(
        "musllinux-x86_64",
        ("musllinux_1_2_x86_64", "musllinux_1_1_x86_64"),
        "linux",
        "x86_64",
        (),
        False,
    ),
    Platform("linux-x86_64-glibc-2.28", _manylinux("x86_64", 28), "linux", "x86_64", (), False),
)


def requirements(platform: Platform) -> list[str]:
    """asr-guard's dependencies on this platform, with the extras its instructions name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in platform.extras:
        declared += project["optional-dependencies"][extra]
    environment: dict[str, str] = {
        **{key: str(value) for key, value in default_environment().items()},
        "sys_platform": platform.sys_platform,
        "platform_system": {"linux": "Linux", "win32": "Windows", "darwin": "Darwin"}[
            platform.sys_platform
        ],
        "os_name": "nt" if platform.sys_platform == "win32" else "posix",
        "platform_machine": platform.platform_machine,
        "python_version": PYTHON,
        "python_full_version": f"{PYTHON}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    chosen = []
    for line in declared:
        requirement = Requirement(line)
        if requirement.name == "asr-guard":
            continue  # the project's own extras, listed above
        marker = requirement.marker
        if marker is None or Marker(str(marker)).evaluate(environment):
            requirement.marker = None
            chosen.append(str(requirement))
    return chosen


def check(platform: Platform) -> str | None:
    """None when every requirement has a wheel there, else why not."""
    wanted = requirements(platform)
    if platform.engine != any(line.startswith(ENGINE) for line in wanted):
        return (
            f"the embedded engine is {'not ' if platform.engine else ''}required here, "
            f"but it {'has' if platform.engine else 'has no'} wheel for this platform"
        )
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
            "--only-binary=:all:", "--python-version", PYTHON, "--implementation", "cp",
            "--dest", scratch,
            *(f"--platform={tag}" for tag in platform.tags),
            *wanted,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
            return (errors or done.stderr.strip().splitlines() or ["pip failed"])[-1]
        wheels = sorted(path.name for path in Path(scratch).iterdir())
    if any(not name.endswith(".whl") for name in wheels):
        return "a dependency came as a source package: " + ", ".join(wheels)
    return None


def main(argv: list[str]) -> int:
    chosen = [p for p in PLATFORMS if not argv or p.name in argv]
    failed = 0
    for platform in chosen:
        problem = check(platform)
        engine = "with the embedded engine" if platform.engine else "without an embedded engine"
        install = "pip install " + (
            f"'asr-guard[{','.join(platform.extras)}]'" if platform.extras else "asr-guard"
        )
        if problem:
            failed += 1
            print(f"FAIL {platform.name}: {install}: {problem}")
        else:
            print(f"ok   {platform.name}: {install} finds a wheel for everything ({engine})")
    print(f"{len(chosen) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

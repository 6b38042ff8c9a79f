"""Where reports say files are: relative to the repository root, as the readers want them.

GitHub interprets a relative SARIF URI and an annotation's `file=` as relative to the root of
the repository; Azure Pipelines wants an absolute `sourcepath` in `##vso[task.logissue]`. The
run works in some directory of the checkout (a matrix over root modules runs in `infra/x`),
so a path as given (`modules/disks/main.tf`) points nowhere. The root is, in this order,
`--path-base`, `$GITHUB_WORKSPACE` (GitHub Actions), `$BUILD_SOURCESDIRECTORY` (Azure
Pipelines), or the top of the git work tree the working directory is in (its nearest
directory with a `.git` entry).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from validator.findings import Finding
from validator.loading import STDIN

# The SARIF uriBaseId of the repository root (originalUriBaseIds says where it is).
ROOT_ID = "SRCROOT"


def repository_root(path_base: str | None = None, cwd: Path | None = None) -> Path | None:
    """The repository root the reports' paths are relative to; None: the working directory."""
    if path_base:
        return Path(path_base).resolve()
    for variable in ("GITHUB_WORKSPACE", "BUILD_SOURCESDIRECTORY"):
        value = os.environ.get(variable)
        if value:
            return Path(value).resolve()
    # The top of the work tree: the nearest directory with a .git entry (a directory, or the
    # file of a linked worktree or submodule), as `git rev-parse --show-toplevel` finds it,
    # without starting a git process on every run of a hook.
    start = (cwd or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


@dataclass(frozen=True)
class ReportOptions:
    """What every format needs beyond the result: where files are, what stdin is called."""

    base: Path | None = None  # the repository root (None: paths as given)
    stdin_name: str | None = None  # --stdin-filename: the name of the input read from "-"
    color: bool = False
    title: str | None = None  # --title: which run this is (a root module of a matrix)
    quiet: bool = False  # --quiet: the text format gives only its summary line
    # Names already worked out, by path: every finding of a file names its path, and a large
    # plan has hundreds of findings. (A name rests on the working directory too: one set of
    # options serves one run, in one directory.)
    _names: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def name(self, path: str) -> str:
        """A path as the user should read it: relative to the repository root when inside
        it, `/`-separated; standard input under its --stdin-filename."""
        known = self._names.get(path)
        if known is None:
            known = self._names[path] = self._name(path)
        return known

    def _name(self, path: str) -> str:
        if path == STDIN:
            return self.stdin_name or STDIN
        absolute = self.absolute(path)
        if self.base is not None:
            try:
                return absolute.relative_to(self.base).as_posix()
            except ValueError:
                pass  # outside the repository: absolute
            return absolute.as_posix()
        return Path(path).as_posix()

    def absolute(self, path: str) -> Path:
        if path == STDIN and self.stdin_name:
            path = self.stdin_name  # like every path given, relative to the working directory
        return Path(os.path.normpath(Path.cwd() / path))

    def inside(self, path: str) -> bool:
        """Whether the file is in the repository (a relative path names it)."""
        if self.base is None or (path == STDIN and not self.stdin_name):
            return False
        try:
            self.absolute(path).relative_to(self.base)
        except ValueError:
            return False
        return True

    def uri(self, path: str) -> tuple[str, str | None]:
        """(SARIF uri, its uriBaseId): percent-encoded, relative to the root when inside it,
        else a file: URI; standard input without a name is "stdin"."""
        if path == STDIN and not self.stdin_name:
            return "stdin", None
        if self.inside(path):
            return quote(self.name(path), safe="/"), ROOT_ID
        if self.base is None and not Path(path).is_absolute() and path != STDIN:
            return quote(PurePosixPath(Path(path).as_posix()).as_posix(), safe="/"), None
        return self.absolute(path).as_uri(), None

    def where(self, finding: Finding) -> tuple[str, int | None, int | None]:
        """(file, line, column) a finding points at, the file as given."""
        if finding.location:
            return finding.location.file, finding.location.line, finding.location.column
        return finding.path, None, None

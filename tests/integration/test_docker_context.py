"""The image gets what it needs: the files .dockerignore lets into the build context, copied as the
Dockerfile's COPY lines say, install with pip and give a working `diffscore-batch` command.

No Docker daemon is needed: the context is computed with Docker's rules (every pattern anchored at the
context root, `**` for any depth, `!` exceptions, the last matching line wins, a directory's
verdict applies to what it holds), and the COPY lines are replayed into a staging root. The install uses this venv's setuptools without build
isolation and without dependencies, so it is offline and takes seconds; the command then runs with
`python -S`, so the editable install of this checkout cannot stand in for a missing file."""

import os
import posixpath
import shlex
import shutil
import sys
import sysconfig
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern

from tests.servers import ROOT

pytestmark = pytest.mark.integration
PIP_SECONDS = 300
RUN_SECONDS = 60


class DockerIgnore:
    """Docker's .dockerignore rules (moby's patternmatcher): comments and blank lines skipped, every
    pattern cleaned and anchored at the context root, `!` for exceptions; a path is excluded when the
    last pattern that matches it, or any directory above it, is not an exception. Each glob becomes a
    regular expression through pathspec's gitignore patterns (same `*`, `?`, `[...]` and `**`)."""

    def __init__(self, text: str):
        self.patterns = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            cleaned = posixpath.normpath(line[1:].strip() if negated else line).lstrip("/")
            self.patterns.append(GitIgnoreBasicPattern(("!" if negated else "") + "/" + cleaned))

    def excluded(self, path: str) -> bool:
        parts = path.split("/")
        candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        verdict = False
        for pattern in self.patterns:
            if any(pattern.match_file(c) is not None for c in candidates):
                verdict = pattern.include
        return verdict

    def may_reinclude_under(self, directory: str) -> bool:
        """Whether an exception could bring back something below an excluded directory."""
        return any(not p.include and (p.pattern.lstrip("!/").startswith(directory + "/") or "**" in p.pattern)
                   for p in self.patterns)


def build_context(root: Path) -> set[str]:
    """The files `docker build` sends: every file under root that .dockerignore does not exclude."""
    ignore = DockerIgnore((root / ".dockerignore").read_text(encoding="utf-8"))
    sent = set()
    for directory, subdirectories, files in os.walk(root):
        relative = Path(directory).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        # An excluded directory that no exception reaches into is not walked (.venv, .git, .tools).
        subdirectories[:] = [d for d in subdirectories
                             if not ignore.excluded(prefix + d) or ignore.may_reinclude_under(prefix + d)]
        sent |= {prefix + f for f in files if not ignore.excluded(prefix + f)}
    return sent


def dockerfile_instructions(text: str) -> list[tuple[str, list[str]]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments and directives skipped."""
    joined = text.replace("\\\n", " ")
    return [(line.split(None, 1)[0].upper(), shlex.split(line.split(None, 1)[1]))
            for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def replay_copies(root: Path, context: set[str], image: Path) -> Path:
    """Applies the Dockerfile's WORKDIR and COPY lines to `image` (the image's file system root) and
    returns the working directory at the first RUN that installs the project."""
    workdir = "/"
    for instruction, arguments in dockerfile_instructions((root / "Dockerfile").read_text(encoding="utf-8")):
        if instruction == "WORKDIR":
            workdir = posixpath.join(workdir, arguments[0])
        elif instruction in ("COPY", "ADD"):
            assert not any(a.startswith("--") for a in arguments), f"{instruction} {arguments}: replay it here"
            *sources, destination = arguments
            target = image / posixpath.join(workdir, destination).lstrip("/")
            for source in sources:
                _copy(root, context, source.rstrip("/").removeprefix("./"), target, destination.endswith("/"))
        elif instruction == "RUN" and "pip" in arguments and "install" in arguments:
            return image / workdir.lstrip("/")
    raise AssertionError("the Dockerfile has no RUN pip install")


def _copy(root: Path, context: set[str], source: str, target: Path, into_directory: bool) -> None:
    """Docker's COPY: a file lands at the target (inside it when it names a directory); a directory's
    contents land in the target. A source the context lacks fails the build, so it fails here."""
    files = sorted(f for f in context if fnmatchcase(f, source))
    directory = sorted(f for f in context if f.startswith(source + "/"))
    assert files or directory, f"COPY {source}: not in the build context (.dockerignore excludes it?)"
    for name in files:
        destination = target / Path(name).name if into_directory or len(files) > 1 else target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, destination)
    for name in directory:
        destination = target / Path(name).relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, destination)


def test_dockerignore_follows_dockers_anchoring_and_exceptions():
    ignore = DockerIgnore("# comment\n*\n!service\n**/__pycache__\n/build\n!build/keep.txt\n")
    assert not ignore.excluded("service/api/app.py")
    assert ignore.excluded("service/api/__pycache__/app.cpython-311.pyc")
    assert ignore.excluded("tests/test_x.py") and ignore.excluded(".venv/bin/python")
    assert not ignore.excluded("build/keep.txt")  # Docker re-includes inside an excluded directory
    anchored = DockerIgnore("build\n")
    assert anchored.excluded("build/lib/x.py") and not anchored.excluded("service/build/x.py")


def test_the_context_holds_both_packages_and_no_tests_or_environments():
    context = build_context(ROOT)
    assert "scripts/batch_score.py" in context and "service/api/app.py" in context and "LICENSE" in context
    assert not [f for f in context if f.startswith((".venv/", ".tools/", ".git/", "tests/")) or "__pycache__" in f]


def test_image_files_install_and_diffscore_batch_runs(tmp_path, servers):
    app = replay_copies(ROOT, build_context(ROOT), tmp_path / "image")
    target = tmp_path / "site"
    status, output = servers.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                                  "--no-build-isolation", "--disable-pip-version-check", "--target", target, app],
                                 "pip install", PIP_SECONDS)
    assert status == 0, output[-3000:]
    script = target / "bin" / "diffscore-batch"
    assert script.exists()
    # -S: no site-packages .pth files (so no editable finder pointing back at this checkout); -P: not
    # the working directory (the checkout) either. The dependencies come from this venv's
    # site-packages, after the installed copy.
    isolated = {"PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_path("purelib")])}
    status, output = _run(servers, [sys.executable, "-S", "-P", script, "--help"], **isolated)
    assert status == 0, output[-3000:]
    assert output.startswith("usage: diffscore-batch") and "--output" in output
    status, origin = _run(servers, [sys.executable, "-S", "-P", "-c",
                                    "import scripts.batch_score as m; print(m.__file__)"], **isolated)
    assert status == 0 and Path(origin.strip()).is_relative_to(target), origin


def _run(servers, command: list, **env: str) -> tuple[int, str]:
    process = servers.start(command, " ".join(map(str, command[-2:])), **env)
    status = process.wait(RUN_SECONDS)
    return status, process.stop()

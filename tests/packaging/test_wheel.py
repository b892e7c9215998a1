"""The installed package is complete: a wheel built from this tree, installed into a new
virtual environment, runs ``support-bot kb check`` and ``support-bot migrate`` from a folder
outside the tree.

The wheel's dependencies are not downloaded: the new environment sees this environment's
site-packages through a ``.pth`` file (a path added that way is not a site folder, so the
editable install's finder of the source tree is not activated there), and the wheel itself
is installed with ``--no-deps``. Building the wheel needs its build backend (setuptools),
which pip fetches into an isolated build environment, or takes from its cache.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "desk", "kb", "storage", "emulator", "sandbox")


def run(*cmd: str | Path, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,  # no PYTHONPATH: nothing of the source tree
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


def source_files() -> list[str]:
    """The tree's files as a commit would take them: tracked, and new ones not ignored."""
    listed = run("git", "ls-files", "-z", "-co", "--exclude-standard", cwd=REPO_ROOT).stdout
    return sorted(f for f in listed.split("\0") if f and (REPO_ROOT / f).is_file())


def test_a_wheel_installs_a_complete_support_bot(tmp_path: Path) -> None:
    # Build from a copy, so that the build leaves nothing (build/, *.egg-info) in the tree.
    files = source_files()
    src = tmp_path / "src"
    for name in files:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, src / name)
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src, cwd=tmp_path)
    (wheel,) = dist.glob("support_bot-*.whl")

    # Everything beside the code is in it: articles, migrations, Fluent files...
    shipped = [f for f in files if f.split("/")[0] in PACKAGES and "__pycache__" not in f]
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert [f for f in shipped if f not in in_wheel] == []
    assert any(f.startswith("kb/articles/") and f.endswith(".md") for f in in_wheel)
    assert {"sandbox/static/shell.html", "sandbox/static/page.js"} <= in_wheel

    # A new environment with this one's dependencies visible, and the wheel installed.
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
    ).stdout.strip()
    ours = sysconfig.get_paths()
    deps = dict.fromkeys([ours["purelib"], ours["platlib"]])
    Path(site, "project-dependencies.pth").write_text("".join(f"{p}\n" for p in deps))
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=tmp_path,
    )

    work = tmp_path / "elsewhere"  # outside the source tree, no .env
    work.mkdir()
    where = run(
        python,
        "-c",
        "import bot, kb, storage; print(bot.__file__, kb.__file__, storage.__file__)",
        cwd=work,
    ).stdout.split()
    assert all(Path(f).is_relative_to(venv) for f in where), where

    support_bot = venv / "bin" / "support-bot"
    checked = run(support_bot, "kb", "check", cwd=work).stdout.strip().splitlines()[-1]
    count, _, rest = checked.partition(" articles OK, 0 broken (")
    assert int(count) >= 30, checked
    assert Path(rest.rstrip(")")).is_relative_to(venv), checked

    db = work / "desk.db"
    migrated = subprocess.run(
        [str(support_bot), "migrate"],
        cwd=work,
        env={"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite+aiosqlite:///{db}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert "database is up to date" in migrated.stdout
    tables = {r[0] for r in sqlite3.connect(db).execute("select name from sqlite_master")}
    assert {"alembic_version", "tickets", "outbox", "inbox"} <= tables

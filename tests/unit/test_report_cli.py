"""``support-bot report`` as an admin uses it: the act as a workbook or CSV files, the chart."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from storage.db import create_engine, create_sessionmaker, run_migrations
from tests.report_data import seed_act
from tests.unit.test_cli import clean_env, run


@pytest.fixture
async def env(tmp_path: Path) -> dict[str, str]:
    """A migrated SQLite database holding November's work (tests/report_data.py)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    engine = create_engine(url)
    try:
        await run_migrations(engine)
        async with create_sessionmaker(engine)() as session, session.begin():
            await seed_act(session)
    finally:
        await engine.dispose()
    return clean_env() | {"DATABASE_URL": url, "TIMEZONE": "Europe/Moscow"}


def test_the_act_as_one_workbook(env: dict[str, str], tmp_path: Path) -> None:
    result = run("report", "act", "--month", "2026-11", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "act-2026-11.xlsx",
        "3 organization(s), 7,67 h billable in 2026-11",
    ]
    book = load_workbook(tmp_path / "act-2026-11.xlsx")
    assert book.sheetnames == ["АО «Вектор»", "ООО «Ромашка»", "Без организации", "Сводка"]
    assert book["Сводка"]["C8"].value == 7.67


def test_one_organization_as_csv(env: dict[str, str], tmp_path: Path) -> None:
    result = run(
        "report", "act", "--month", "2026-11", "--org", "ооо ромашка", "--format", "csv",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = Path("act-2026-11") / "ООО «Ромашка».csv"
    assert result.stdout.splitlines()[0] == str(path)
    text = (tmp_path / path).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[0] for r in rows] == ["№ заявки", "1002", "1004", "Итого"]
    assert rows[-1][-1] == "3,58"


def test_mistakes_are_one_line_each(env: dict[str, str], tmp_path: Path) -> None:
    bad_month = run("report", "act", "--month", "2026-13", env=env, cwd=tmp_path)
    assert bad_month.returncode == 1
    assert "--month is YYYY-MM" in bad_month.stderr and "Traceback" not in bad_month.stderr
    no_org = run("report", "act", "--month", "2026-11", "--org", "Нет", env=env, cwd=tmp_path)
    assert no_org.returncode == 1 and "no organization 'Нет'" in no_org.stderr
    empty = run("report", "act", "--month", "2026-01", env=env, cwd=tmp_path)
    assert empty.returncode == 0 and "no billable hours in 2026-01" in empty.stdout
    assert not (tmp_path / "act-2026-01.xlsx").exists()


def test_the_chart_and_its_figures(env: dict[str, str], tmp_path: Path) -> None:
    result = run(
        "report", "stats", "--weeks", "12", "--out", "charts/chart.png", "--lang", "en",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Tickets per week: ")
    assert len([line for line in lines if "Opened:" in line]) == 12
    assert lines[-4].startswith("First response in time: ")
    assert lines[-1] == str(Path("charts") / "chart.png")
    assert (tmp_path / "charts" / "chart.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

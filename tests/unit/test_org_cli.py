"""``support-bot org import`` and ``org export`` as an admin runs them, on a temporary
database."""

from __future__ import annotations

import io
import sqlite3
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tests.unit.test_cli import clean_env, run

GOOD_AND_BAD = (
    "\ufeffНазвание;Тип;Партнёр;Контакты партнёра;ID менеджера;Договор до\n"
    "ООО Ромашка;прямой;;;5000000001;31.12.2026\n"
    "АО Лютик;партнёр;ИнтегроСофт;+7 495 000-00-00;;\n"
    ";прямой;;;;\n"
    "Бета;партнёр;;;;\n"
    "Гамма;прямой;;;id42;\n"
    "ооо  ромашка;;;;;\n"
    "Дельта;;;;;2026-02-30\n"
)


def migrated(tmp_path: Path) -> dict[str, str]:
    env = clean_env() | {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"}
    result = run("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return env


def organizations(tmp_path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "desk.db") as db:
        return db.execute(
            "select name, kind, partner_name, manager_user_id, contract_until "
            "from organizations order by name_key"
        ).fetchall()


def test_help_names_the_columns_and_the_exit_codes(tmp_path: Path) -> None:
    result = run("org", "import", "--help", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0
    assert "line N: reason" in result.stdout and "1 some rows were bad" in result.stdout
    assert "Договор до" in result.stdout


def test_good_rows_are_imported_bad_ones_reported_and_a_second_import_changes_nothing(
    tmp_path: Path,
) -> None:
    env = migrated(tmp_path)
    (tmp_path / "orgs.csv").write_text(GOOD_AND_BAD, encoding="utf-8")
    result = run("org", "import", "orgs.csv", env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "line 4: empty name",
        "line 5: a partner's organization without partner_name",
        "line 6: manager_user_id 'id42' is not a number (a Telegram id)",
        "line 7: duplicate name 'ооо ромашка' (line 2)",
        "line 8: bad date '2026-02-30' in contract_until (YYYY-MM-DD or DD.MM.YYYY)",
        "2 created, 0 updated, 0 unchanged, 5 bad",
    ]
    stored = organizations(tmp_path)
    assert stored == [
        ("АО Лютик", "partner", "ИнтегроСофт", None, None),
        ("ООО Ромашка", "direct", None, 5000000001, "2026-12-31"),
    ]
    again = run("org", "import", "orgs.csv", env=env, cwd=tmp_path)
    assert again.returncode == 1
    assert again.stdout.splitlines()[-1] == "0 created, 0 updated, 2 unchanged, 5 bad"
    assert organizations(tmp_path) == stored


def test_export_then_import_changes_nothing_in_csv_and_xlsx(tmp_path: Path) -> None:
    env = migrated(tmp_path)
    (tmp_path / "orgs.csv").write_text(GOOD_AND_BAD, encoding="utf-8")
    run("org", "import", "orgs.csv", env=env, cwd=tmp_path)
    exported = run("org", "export", env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines()[:2] == [
        "name,kind,partner_name,partner_contacts,manager_name,manager_user_id,"
        "contract_until,notes",
        "АО Лютик,partner,ИнтегроСофт,+7 495 000-00-00,,,,",
    ]
    (tmp_path / "back.csv").write_text(exported.stdout, encoding="utf-8")
    back = run("org", "import", "back.csv", env=env, cwd=tmp_path)
    assert (back.returncode, back.stdout) == (0, "0 created, 0 updated, 2 unchanged, 0 bad\n")

    written = run("org", "export", "--out", "orgs.xlsx", env=env, cwd=tmp_path)
    assert written.stdout == f"2 organizations written to {Path('orgs.xlsx')}\n"
    sheet = load_workbook(tmp_path / "orgs.xlsx").worksheets[0]
    assert sheet["A3"].value == "ООО Ромашка" and sheet["A1"].font.bold
    assert (
        sheet["G3"].value == datetime(2026, 12, 31) and sheet["G3"].number_format == "DD.MM.YYYY"
    )
    back = run("org", "import", "orgs.xlsx", env=env, cwd=tmp_path)
    assert (back.returncode, back.stdout) == (0, "0 created, 0 updated, 2 unchanged, 0 bad\n")
    assert run("org", "export", "--format", "xlsx", env=env, cwd=tmp_path).returncode == 1


def test_an_xlsx_file_with_date_cells_is_imported(tmp_path: Path) -> None:
    env = migrated(tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "kind", "partner_name", "contract_until"])
    sheet.append(["ООО Ромашка", "direct", None, datetime(2027, 1, 15)])
    sheet.append(["АО Лютик", "partner", "ИнтегроСофт", date(2026, 6, 30)])
    sheet.append(["Бета", "partner", None, None])
    data = io.BytesIO()
    book.save(data)
    (tmp_path / "orgs.xlsx").write_bytes(data.getvalue())
    result = run("org", "import", "orgs.xlsx", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "line 4: a partner's organization without partner_name",
        "2 created, 0 updated, 0 unchanged, 1 bad",
    ]
    assert organizations(tmp_path) == [
        ("АО Лютик", "partner", "ИнтегроСофт", None, "2026-06-30"),
        ("ООО Ромашка", "direct", None, None, "2027-01-15"),
    ]


def test_a_file_it_cannot_read_imports_nothing(tmp_path: Path) -> None:
    env = migrated(tmp_path)
    (tmp_path / "orgs.csv").write_text("name;manger\nООО Ромашка;Анна\n", encoding="utf-8")
    result = run("org", "import", "orgs.csv", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("support-bot: orgs.csv: line 1: unknown column 'manger'")
    assert result.stderr.rstrip().endswith("nothing imported")
    assert organizations(tmp_path) == []
    missing = run("org", "import", "nowhere.csv", env=env, cwd=tmp_path)
    assert missing.returncode == 2 and "cannot read nowhere.csv" in missing.stderr

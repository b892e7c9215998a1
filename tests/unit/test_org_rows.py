"""Reading an organizations file: every reason a row is refused, with its line; both
delimiters, a BOM, Russian headers, XLSX date cells; and partner routing's rule."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from desk.org_rows import (
    COLUMNS,
    FileProblem,
    OrgRecord,
    parse_csv,
    parse_xlsx,
    write_csv,
    write_xlsx,
)
from desk.partners import contract_over, routes_to_partner
from desk.tickets import TicketType

HEADER = (
    "name,kind,partner_name,partner_contacts,manager_name,manager_user_id,contract_until,notes"
)


def csv_rows(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *lines)).encode()


def test_a_good_row_carries_every_column() -> None:
    parsed = parse_csv(
        csv_rows('АО Лютик,partner,ИнтегроСофт,"+7 495, help@x",Анна,12345,2026-12-31,VIP')
    )
    assert parsed.bad == []
    (row,) = parsed.rows
    assert (row.line, row.name) == (2, "АО Лютик")
    assert row.values == {
        "kind": "partner",
        "partner_name": "ИнтегроСофт",
        "partner_contacts": "+7 495, help@x",
        "manager_name": "Анна",
        "manager_user_id": 12345,
        "contract_until": date(2026, 12, 31),
        "notes": "VIP",
    }


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (",direct,,,,,,", "empty name"),
        ("   ,direct,,,,,,", "empty name"),
        ("Бета,клиент,,,,,,", "unknown kind 'клиент'"),
        ("Бета,partner,,+7 495,,,,", "a partner's organization without partner_name"),
        ("Бета,direct,,,,,31.02.2026,", "bad date '31.02.2026' in contract_until"),
        ("Бета,direct,,,,,2026/12/31,", "bad date '2026/12/31' in contract_until"),
        ("Бета,direct,,,,12a,,", "manager_user_id '12a' is not a number"),
        ("Бета,direct,,,,-5,,", "manager_user_id '-5' is not a number"),
        ("Бета,direct,,,,,,,лишнее", "more cells than the header has columns"),
        ("Б" * 201 + ",direct,,,,,,", "name longer than 200"),
    ],
)
def test_each_bad_row_is_reported_with_its_line_and_reason(line: str, reason: str) -> None:
    parsed = parse_csv(csv_rows("Альфа,direct,,,,,,", line, "Гамма,,,,,,,"))
    assert [r.name for r in parsed.rows] == ["Альфа", "Гамма"]
    (bad,) = parsed.bad
    assert str(bad).startswith(f"line 3: {reason}")


def test_a_name_met_again_is_a_duplicate_however_it_is_written() -> None:
    parsed = parse_csv(csv_rows("ООО «Ромашка»,,,,,,,", "Бета,,,,,,,", 'ооо  "ромашка",,,,,,,'))
    assert [r.name for r in parsed.rows] == ["ООО «Ромашка»", "Бета"]
    assert [str(b) for b in parsed.bad] == ["line 4: duplicate name 'ооо \"ромашка\"' (line 2)"]


def test_semicolons_a_bom_russian_headers_and_russian_words() -> None:
    text = (
        "\ufeffНазвание;Тип;Партнёр;Контакты партнёра;Менеджер;ID менеджера;Договор до;Заметки\n"
        "АО Лютик;Партнёр;ИнтегроСофт;тел. 1, 2;Анна;42;31.12.2026;\n"
        "ООО Ромашка;прямой;;;;;;\n"
    )
    parsed = parse_csv(text.encode("utf-8"))
    assert parsed.columns == COLUMNS
    assert parsed.bad == []
    first, second = parsed.rows
    assert first.values["kind"] == "partner" and first.values["partner_contacts"] == "тел. 1, 2"
    assert first.values["contract_until"] == date(2026, 12, 31)
    assert first.values["manager_user_id"] == 42
    assert second.values["kind"] == "direct" and second.values["partner_name"] is None


def test_line_numbers_count_lines_inside_quoted_cells_and_skip_empty_rows() -> None:
    parsed = parse_csv(
        csv_rows('А,partner,П,"строка 1\nстрока 2",,,,', "", ",,,,,,,", "Б,чужой,,,,,,")
    )
    assert [str(b) for b in parsed.bad] == [
        "line 6: unknown kind 'чужой' (direct/partner, прямой/партнёр)"
    ]


def test_only_the_files_columns_are_set() -> None:
    parsed = parse_csv(b"name;notes\n\xd0\x90;\n")
    assert parsed.columns == ("name", "notes")
    assert parsed.rows[0].values == {"notes": ""}
    # An empty kind leaves the kind as it is.
    assert parse_csv(csv_rows("А,,,,,,,")).rows[0].values.get("kind") is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"kind,notes\ndirect,x\n", "no name column"),
        (b"name,manger\nx,y\n", "unknown column 'manger'"),
        (b"name,Name\nx,y\n", "the column name is named twice"),
        ("name\nРомашка\n".encode("cp1251"), "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(content: bytes, problem: str) -> None:
    with pytest.raises(FileProblem, match=problem):
        parse_csv(content)


def xlsx(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_date_cells_numbers_and_text_dates() -> None:
    parsed = parse_xlsx(
        xlsx(
            ["Название", "Договор до", "ID менеджера"],
            ["А", datetime(2026, 12, 31), 123456789.0],
            ["Б", "01.02.2027", "987"],
            ["В", "завтра", None],
            [None, None, None],
            ["Г", date(2027, 3, 1), 12.5],
        )
    )
    assert [(r.line, r.values["contract_until"]) for r in parsed.rows] == [
        (2, date(2026, 12, 31)),
        (3, date(2027, 2, 1)),
    ]
    assert parsed.rows[0].values["manager_user_id"] == 123456789
    assert [b.line for b in parsed.bad] == [4, 6]


def test_not_a_workbook() -> None:
    with pytest.raises(FileProblem, match="not an XLSX workbook"):
        parse_xlsx(b"PK\x03\x04 broken")


RECORDS = [
    OrgRecord(
        name="АО Лютик",
        kind="partner",
        partner_name="ИнтегроСофт",
        partner_contacts="тел.; почта,\nвторая строка",
        manager_name="Анна",
        manager_user_id=5_000_000_001,
        contract_until=date(2026, 12, 31),
        notes='"VIP"',
    ),
    OrgRecord(name="ООО Ромашка"),
]


def test_csv_export_reads_back_as_the_same_values() -> None:
    parsed = parse_csv(write_csv(RECORDS).encode())
    assert parsed.bad == [] and parsed.columns == COLUMNS
    assert [OrgRecord(name=r.name, **r.values) for r in parsed.rows] == RECORDS  # type: ignore[arg-type]


def test_xlsx_export_is_formatted_and_reads_back_as_the_same_values() -> None:
    data = write_xlsx(RECORDS)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet["G2"].number_format == "DD.MM.YYYY" and sheet["F2"].number_format == "0"
    assert sheet.column_dimensions["A"].width == 36
    parsed = parse_xlsx(data)
    assert [OrgRecord(name=r.name, **r.values) for r in parsed.rows] == RECORDS  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "partner", "ticket_type", "expected"),
    [
        ("partner", "ИнтегроСофт", TicketType.CONSULTATION, True),
        ("partner", "ИнтегроСофт", TicketType.INCIDENT, False),
        ("partner", "ИнтегроСофт", TicketType.WISH, False),
        ("direct", None, TicketType.CONSULTATION, False),
        (None, None, TicketType.CONSULTATION, False),
        ("partner", "  ", TicketType.CONSULTATION, False),  # nobody to name: the desk takes it
    ],
)
def test_only_a_partners_clients_consultation_goes_to_the_partner(
    kind: str | None, partner: str | None, ticket_type: TicketType, expected: bool
) -> None:
    assert routes_to_partner(kind, partner, ticket_type.value) is expected


def test_a_contract_ends_after_its_last_day_in_the_desks_time_zone() -> None:
    moscow = ZoneInfo("Europe/Moscow")
    last_day = date(2026, 11, 30)
    # 22:30 UTC on the 30th is already the 1st in Moscow.
    assert contract_over(last_day, datetime(2026, 11, 30, 22, 30, tzinfo=UTC), moscow)
    assert not contract_over(last_day, datetime(2026, 11, 30, 20, 0, tzinfo=UTC), moscow)
    assert not contract_over(None, datetime(2030, 1, 1, tzinfo=UTC), moscow)

"""Organizations in a table: reading an import file (CSV or XLSX) into checked rows, and
writing the same columns back out. Plain Python (openpyxl for XLSX), no database.

A file has a header row naming its columns, in English (``name``, ``partner_name``, ...) or
in Russian (``Название``, ``Партнёр``, ...); only ``name`` is required. An import sets only the
fields whose columns the file has; an empty cell in such a column clears the field (an empty
``kind`` leaves it as it is: a new organization is direct).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path

from desk.org_fields import parse_date, parse_user_id
from desk.organizations import NAME_LIMIT, OrgKind, clean_name, name_key

#: The columns, in the order an export writes them (and their English header names).
COLUMNS = (
    "name",
    "kind",
    "partner_name",
    "partner_contacts",
    "manager_name",
    "manager_user_id",
    "contract_until",
    "notes",
)

#: Russian header names (folded like :func:`_fold`) besides the English column names.
RUSSIAN_HEADERS = {
    "name": ("название", "наименование", "организация"),
    "kind": ("тип", "вид", "вид клиента"),
    "partner_name": ("партнер", "название партнера"),
    "partner_contacts": ("контакты партнера",),
    "manager_name": ("менеджер",),
    "manager_user_id": ("id менеджера", "telegram id менеджера"),
    "contract_until": ("договор до", "договор действует до", "окончание договора"),
    "notes": ("заметки", "примечания", "примечание"),
}

_KINDS = {
    "direct": OrgKind.DIRECT,
    "прямой": OrgKind.DIRECT,
    "прямой клиент": OrgKind.DIRECT,
    "partner": OrgKind.PARTNER,
    "партнер": OrgKind.PARTNER,
    "клиент партнера": OrgKind.PARTNER,
}

_HEADERS = {column.replace("_", " "): column for column in COLUMNS} | {
    alias: column for column, aliases in RUSSIAN_HEADERS.items() for alias in aliases
}

XLSX_MAGIC = b"PK\x03\x04"

Cell = str | int | float | date | datetime | bool | None


class FileProblem(ValueError):
    """The file as a whole cannot be imported (nothing is): the message says why."""


@dataclass(frozen=True)
class OrgRecord:
    """One organization's fields as a table holds them."""

    name: str
    kind: str = OrgKind.DIRECT.value
    partner_name: str | None = None
    partner_contacts: str | None = None
    manager_name: str | None = None
    manager_user_id: int | None = None
    contract_until: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class OrgRow:
    """A good row: the organization's name and the other fields the file sets."""

    line: int
    name: str
    values: dict[str, object]


@dataclass(frozen=True)
class BadRow:
    """A row that is not imported, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class Parsed:
    """What a file holds: its columns, the good rows and the bad ones."""

    columns: tuple[str, ...]
    rows: list[OrgRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)


def _fold(text: str) -> str:
    folded = text.casefold().replace("ё", "е").replace("_", " ").replace("-", " ")
    return " ".join(folded.split())


def _text(cell: Cell) -> str:
    """A cell as text, trimmed (a whole number from a spreadsheet without ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def kind_of(cell: Cell) -> OrgKind | None:
    """The organization's kind from a cell: direct/partner, прямой/партнёр; None if unknown."""
    return _KINDS.get(_fold(_text(cell)))


def date_of(cell: Cell) -> date | None:
    """A date from a cell: a spreadsheet's date, YYYY-MM-DD or DD.MM.YYYY; ValueError if not."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    return parse_date(_text(cell))


def user_id_of(cell: Cell) -> int:
    """A Telegram user id from a cell; ValueError if it is not a positive whole number."""
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, float) and not cell.is_integer():
        raise ValueError(cell)
    return parse_user_id(_text(cell))


def _columns(header: Sequence[Cell]) -> tuple[str, ...]:
    """The column each header cell names ("" for an empty trailing cell)."""
    found: list[str] = []
    for position, cell in enumerate(header, start=1):
        title = _text(cell)
        if not title:
            found.append("")
            continue
        column = _HEADERS.get(_fold(title))
        if column is None:
            known = ", ".join(COLUMNS)
            raise FileProblem(
                f"line 1: unknown column {title!r} (column {position}); known: {known} "
                "or their Russian names"
            )
        if column in found:
            raise FileProblem(f"line 1: the column {column} is named twice")
        found.append(column)
    if "name" not in found:
        raise FileProblem("line 1: the header has no name column (Название)")
    return tuple(found)


def _check(line: int, cells: dict[str, Cell]) -> OrgRow | BadRow:
    """One data row checked: its values, or the first reason it cannot be imported."""
    try:
        name = clean_name(_text(cells.get("name")))
    except ValueError as exc:
        reason = "empty name" if str(exc) == "empty" else f"name longer than {NAME_LIMIT}"
        return BadRow(line, reason)
    values: dict[str, object] = {}
    for column, cell in cells.items():
        text = _text(cell)
        if column == "kind":
            if not text:
                continue  # an empty kind changes nothing (a new organization is direct)
            kind = kind_of(cell)
            if kind is None:
                return BadRow(line, f"unknown kind {text!r} (direct/partner, прямой/партнёр)")
            values[column] = kind.value
        elif column == "manager_user_id":
            try:
                values[column] = user_id_of(cell) if text else None
            except ValueError:
                return BadRow(line, f"manager_user_id {text!r} is not a number (a Telegram id)")
        elif column == "contract_until":
            try:
                values[column] = date_of(cell) if text else None
            except ValueError:
                return BadRow(
                    line, f"bad date {text!r} in contract_until (YYYY-MM-DD or DD.MM.YYYY)"
                )
        elif column in ("partner_name", "manager_name"):
            if len(text) > NAME_LIMIT:
                return BadRow(line, f"{column} longer than {NAME_LIMIT}")
            values[column] = " ".join(text.split()) or None
        elif column == "partner_contacts":
            values[column] = text or None
        elif column == "notes":
            values[column] = text
    if values.get("kind") == OrgKind.PARTNER.value and not values.get("partner_name"):
        return BadRow(line, "a partner's organization without partner_name")
    return OrgRow(line, name, values)


def parse_table(records: Iterable[tuple[int, Sequence[Cell]]]) -> Parsed:
    """Checks a table given as (line number, cells) records, the header first. Empty rows
    are skipped; a name met again (folded like ``name_key``) is bad from its second time."""
    found = iter(records)
    header = next(found, None)
    if header is None:
        raise FileProblem("the file is empty")
    columns = _columns(header[1])
    parsed = Parsed(columns=tuple(c for c in columns if c))
    seen: dict[str, int] = {}
    for line, cells in found:
        if not any(_text(cell) for cell in cells):
            continue
        if any(_text(cell) for cell in cells[len(columns) :]):
            parsed.bad.append(BadRow(line, "more cells than the header has columns"))
            continue
        by_column = {c: cell for c, cell in zip(columns, cells, strict=False) if c}
        checked = _check(line, by_column)
        if isinstance(checked, OrgRow):
            key = name_key(checked.name)
            if key in seen:
                checked = BadRow(line, f"duplicate name {checked.name!r} (line {seen[key]})")
            else:
                seen[key] = line
        if isinstance(checked, OrgRow):
            parsed.rows.append(checked)
        else:
            parsed.bad.append(checked)
    return parsed


def _csv_records(text: str) -> Iterator[tuple[int, list[Cell]]]:
    """The records of a CSV text with the line each starts on (a quoted cell may span
    lines); the delimiter is the header line's ``;`` or ``,``, whichever it has more of."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for record in reader:
        yield start, list(record)
        start = reader.line_num + 1


def parse_csv(data: bytes) -> Parsed:
    """A CSV file's rows: UTF-8 with or without a BOM, ``,`` or ``;`` between cells."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"not UTF-8 (byte {exc.start + 1}): save it as CSV UTF-8, or as XLSX"
        ) from None
    try:
        return parse_table(_csv_records(text))
    except csv.Error as exc:
        raise FileProblem(f"not a CSV table: {exc}") from None


def _plain(value: object) -> Cell:
    """A spreadsheet cell's value as a cell of the table (rich text, times and formulas as
    their text)."""
    if value is None or isinstance(value, str | int | float | date):
        return value
    return str(value)


def parse_xlsx(data: bytes) -> Parsed:
    """An XLSX workbook's first sheet: row numbers are the sheet's."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(f"not an XLSX workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        return parse_table(
            (line, [_plain(cell) for cell in cells]) for line, cells in enumerate(rows, start=1)
        )
    finally:
        book.close()


def read_file(path: Path) -> Parsed:
    """An import file's rows: an XLSX workbook (known by its content), CSV otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_xlsx(data) if data.startswith(XLSX_MAGIC) else parse_csv(data)


def _cells(record: OrgRecord) -> list[Cell]:
    return [getattr(record, f.name) for f in fields(OrgRecord)]


def write_csv(records: Iterable[OrgRecord]) -> str:
    """The organizations as CSV (``,``, UTF-8, no BOM) with the English header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(["" if cell is None else _text(cell) for cell in _cells(record)])
    return out.getvalue()


_WIDTHS = {"name": 36, "partner_name": 28, "partner_contacts": 36, "manager_name": 24}


def write_xlsx(records: Iterable[OrgRecord]) -> bytes:
    """The organizations as an XLSX sheet: bold frozen header, widths, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Organizations"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in records:
        sheet.append(_cells(record))
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = _WIDTHS.get(column, 16)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
            if column == "contract_until":
                cell.number_format = "DD.MM.YYYY"
            elif column == "manager_user_id":
                cell.number_format = "0"
            elif column in ("partner_contacts", "notes"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""The monthly act and the desk's figures as files: XLSX and CSV (the act), PNG (the chart).

Pure renderers: an :class:`~desk.act.Act` or :class:`~desk.stats.Figures` in, bytes out.
Used by ``support-bot report`` (``bot/cli.py``) and by ``/report`` and ``/stats`` in the
operator group (``bot/service/reports.py``). Labels come from the text catalog; values are
written as they are (these files are not Telegram HTML).

Formats:

- **XLSX** (openpyxl): one sheet per organization (clients without one on a sheet of their
  own, with a Client column), then a summary sheet with each organization's hours and the
  grand total. Each sheet: a title with the organization, the period, the header row (bold,
  frozen, repeated on every printed page), a row per ticket with real date cells
  (``DD.MM.YYYY``) and hours as numbers (``0.00``), a totals row; landscape, fitted to the
  page's width.
- **CSV**: one file per organization, UTF-8 with a byte-order mark (so Excel recognises the
  encoding). Russian: ``;`` between fields, a decimal comma, ``DD.MM.YYYY`` (what Russian
  Excel reads as numbers and dates); English: ``,``, a decimal point, ``YYYY-MM-DD``. The
  header row, a row per ticket, the totals row.
- **PNG** (matplotlib's Agg canvas, no display): tickets opened and closed per week as bars,
  and the three figures as text beneath.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from bot.texts import Raw, t
from desk.act import Act, ActGroup, Month
from desk.stats import Figures, Share

SHEET_LIMIT = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
FILE_LIMIT = 80


def label(lang: str, key: str, **values: Any) -> str:
    """A catalog text as plain text: its values are not escaped for HTML."""
    return t(lang, key, **{k: Raw(v) if isinstance(v, str) else v for k, v in values.items()})


def period_text(lang: str, month: Month) -> str:
    """``за ноябрь 2026 г.`` / ``November 2026``."""
    return label(
        lang, "report.period", month=label(lang, f"report.month.{month.month}"), year=month.year
    )


def group_name(lang: str, group: ActGroup) -> str:
    """The organization's name, or the catalog's "No organization"."""
    return group.organization or label(lang, "report.no_org")


def number_text(lang: str, value: Decimal | float, places: int = 2) -> str:
    """A number as the language writes it: ``12,50`` in Russian, ``12.50`` in English."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if lang == "ru" else text


def date_text(lang: str, day: date | None) -> str:
    """``27.11.2026`` in Russian, ``2026-11-27`` in English; empty for none."""
    if day is None:
        return ""
    return day.strftime("%d.%m.%Y") if lang == "ru" else day.isoformat()


def _unique(names: Sequence[str], limit: int) -> list[str]:
    """Names made unique (ignoring case) within `limit` characters: " (2)", " (3)"..."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        candidate, n = name[:limit], 1
        while candidate.casefold() in seen:
            n += 1
            suffix = f" ({n})"
            candidate = name[: limit - len(suffix)].rstrip() + suffix
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def sheet_names(names: Sequence[str]) -> list[str]:
    """Excel sheet names for these titles: at most 31 characters, none of ``[]:*?/\\``, not
    starting or ending with an apostrophe, unique whatever the case."""
    cleaned = []
    for name in names:
        clean = _SHEET_FORBIDDEN.sub(" ", name)
        clean = " ".join(clean.split()).strip("'").strip() or "-"
        cleaned.append(clean)
    return _unique(cleaned, SHEET_LIMIT)


def file_names(names: Sequence[str], suffix: str) -> list[str]:
    """File names for these titles: no path separators or characters Windows refuses, no
    leading dot, unique whatever the case, with `suffix`."""
    cleaned = []
    for name in names:
        clean = " ".join(_FILE_FORBIDDEN.sub("_", name).split()).strip(". ") or "-"
        cleaned.append(clean)
    return [f"{name}{suffix}" for name in _unique(cleaned, FILE_LIMIT)]


def _columns(lang: str, group: ActGroup) -> list[str]:
    keys = ["number", "client", "type", "subject", "opened", "closed", "engineers", "hours"]
    if group.organization is not None:
        keys.remove("client")
    return keys


def _cells(lang: str, group: ActGroup) -> list[dict[str, Any]]:
    return [
        {
            "number": line.number,
            "client": line.client,
            "type": label(lang, f"type_short.{line.type}"),
            "subject": line.subject,
            "opened": line.opened,
            "closed": line.closed,
            "engineers": ", ".join(line.engineers),
            "hours": line.hours,
        }
        for line in group.lines
    ]


# --- XLSX ---------------------------------------------------------------------------------

WIDTHS = {
    "number": 11,
    "client": 26,
    "type": 16,
    "subject": 46,
    "opened": 12,
    "closed": 12,
    "engineers": 30,
    "hours": 10,
    "org": 46,
    "tickets": 10,
}
HOURS_FORMAT = "0.00"
DATE_FORMAT = "DD.MM.YYYY"
HEADER_ROW = 4


def act_xlsx(act: Act, lang: str) -> bytes:
    """The act as a workbook: a sheet per organization, then the summary."""
    from openpyxl import Workbook

    book = Workbook()
    titles = [group_name(lang, g) for g in act.groups] + [label(lang, "report.summary")]
    names = sheet_names(titles)
    first = book.active
    assert first is not None
    book.remove(first)
    period = period_text(lang, act.month)
    for group, name in zip(act.groups, names, strict=False):
        sheet = book.create_sheet(name)
        keys = _columns(lang, group)
        rows = [[cells[k] for k in keys] for cells in _cells(lang, group)]
        _table(
            sheet,
            lang,
            title=label(lang, "report.act_title", org=group_name(lang, group)),
            period=period,
            keys=keys,
            rows=rows,
            total=group.total,
        )
    summary = book.create_sheet(names[-1])
    _table(
        summary,
        lang,
        title=label(lang, "report.summary_title"),
        period=period,
        keys=["org", "tickets", "hours"],
        rows=[[group_name(lang, g), len(g.lines), g.total] for g in act.groups],
        total=act.total,
        total_tickets=sum(len(g.lines) for g in act.groups),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(
    sheet: Any,
    lang: str,
    *,
    title: str,
    period: str,
    keys: list[str],
    rows: list[list[Any]],
    total: Decimal,
    total_tickets: int | None = None,
) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = period
    sheet["A2"].font = Font(size=12)
    for col, key in enumerate(keys, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=label(lang, f"report.col.{key}"))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.border = box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS[key]
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for col, (key, value) in enumerate(zip(keys, values, strict=True), start=1):
            cell = sheet.cell(row=r, column=col, value=value)
            cell.border = box
            cell.alignment = Alignment(vertical="top", wrap_text=key in ("subject", "engineers"))
            if key == "hours":
                cell.number_format = HOURS_FORMAT
            elif key in ("opened", "closed"):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(vertical="top", horizontal="center")
    last = HEADER_ROW + len(rows) + 1
    totals = {keys[0]: label(lang, "report.total"), "hours": total}
    if total_tickets is not None:
        totals["tickets"] = total_tickets
    for col, key in enumerate(keys, start=1):
        cell = sheet.cell(row=last, column=col, value=totals.get(key))
        cell.font = Font(bold=True)
        cell.border = box
        if key == "hours":
            cell.number_format = HOURS_FORMAT
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


# --- CSV ----------------------------------------------------------------------------------


def act_csv(act: Act, lang: str) -> list[tuple[str, bytes]]:
    """The act as CSV files, one per organization: (file name, content)."""
    names = file_names([group_name(lang, g) for g in act.groups], ".csv")
    out: list[tuple[str, bytes]] = []
    for group, name in zip(act.groups, names, strict=True):
        keys = _columns(lang, group)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";" if lang == "ru" else ",", lineterminator="\r\n")
        writer.writerow([label(lang, f"report.col.{k}") for k in keys])
        for cells in _cells(lang, group):
            writer.writerow([_csv_value(lang, k, cells[k]) for k in keys])
        writer.writerow(
            [
                label(lang, "report.total")
                if i == 0
                else (number_text(lang, group.total) if k == "hours" else "")
                for i, k in enumerate(keys)
            ]
        )
        out.append((name, buffer.getvalue().encode("utf-8-sig")))
    return out


def _csv_value(lang: str, key: str, value: Any) -> str:
    if key == "hours":
        return number_text(lang, value)
    if key in ("opened", "closed"):
        return date_text(lang, value)
    return str(value)


# --- the figures --------------------------------------------------------------------------


def share_text(lang: str, share: Share) -> str:
    """``87 %`` / ``87%``; a dash when there was nothing to judge."""
    if share.value is None:
        return label(lang, "report.none")
    percent = round(share.value * 100)
    return f"{percent} %" if lang == "ru" else f"{percent}%"


def figure_lines(figures: Figures, lang: str) -> tuple[str, str, str]:
    """The three figures as lines of plain text: first response, rating, knowledge base."""
    rating = figures.rating
    none = label(lang, "report.none")
    return (
        label(
            lang,
            "report.fr",
            share=share_text(lang, figures.first_response),
            met=figures.first_response.part,
            judged=figures.first_response.whole,
        ),
        label(
            lang,
            "report.rating",
            rating=number_text(lang, rating, 1) if rating is not None else none,
            count=figures.rating_count,
        ),
        label(
            lang,
            "report.kb",
            share=share_text(lang, figures.kb),
            answered=figures.kb.part,
            questions=figures.kb.whole,
        ),
    )


def stats_text(figures: Figures, lang: str) -> str:
    """The figures as plain text: the period, the weeks, the three figures."""
    lines = [
        label(
            lang,
            "report.chart_title",
            start=date_text(lang, figures.start),
            end=date_text(lang, figures.end),
        )
    ]
    opened, closed = label(lang, "report.opened"), label(lang, "report.closed")
    for week in figures.weeks:
        day = date_text(lang, week.start)
        lines.append(f"{day}  {opened}: {week.opened:3d}  {closed}: {week.closed:3d}")
    lines.extend(figure_lines(figures, lang))
    return "\n".join(lines)


def stats_png(figures: Figures, lang: str) -> bytes:
    """The chart: opened and closed tickets per week as bars, the figures beneath."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 5.6), dpi=100)
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1, height_ratios=(5, 1), hspace=0.3)
    bars = figure.add_subplot(grid[0])
    weeks = list(range(len(figures.weeks)))
    width = 0.4
    opened = [w.opened for w in figures.weeks]
    closed = [w.closed for w in figures.weeks]
    bars.bar(
        [x - width / 2 for x in weeks],
        opened,
        width,
        label=label(lang, "report.opened"),
        color="#4C78A8",
    )
    bars.bar(
        [x + width / 2 for x in weeks],
        closed,
        width,
        label=label(lang, "report.closed"),
        color="#59A14F",
    )
    bars.set_xticks(weeks, [w.start.strftime("%d.%m") for w in figures.weeks])
    bars.set_xlabel(label(lang, "report.week"))
    bars.yaxis.set_major_locator(MaxNLocator(integer=True))
    bars.grid(axis="y", alpha=0.3)
    bars.legend(loc="upper left")
    bars.set_title(
        label(
            lang,
            "report.chart_title",
            start=date_text(lang, figures.start),
            end=date_text(lang, figures.end),
        ),
        fontsize=13,
        fontweight="bold",
    )
    text = figure.add_subplot(grid[1])
    text.axis("off")
    text.text(0.0, 1.0, "\n".join(figure_lines(figures, lang)), va="top", fontsize=12)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

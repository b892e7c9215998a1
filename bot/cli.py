"""The ``support-bot`` command: run, migrate, kb, report."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from pydantic import ValidationError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import DeskSettings, Settings
    from kb.service import KnowledgeBase


T = TypeVar("T")


def _settings() -> Settings:
    from bot.config import Settings, describe_errors

    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as exc:
        print("support-bot: the settings are not complete:", file=sys.stderr)
        print(describe_errors(exc), file=sys.stderr)
        print("See .env.example for every setting.", file=sys.stderr)
        raise SystemExit(2) from None


def fail(problem: object) -> int:
    """A start-up or CLI problem the operator must fix: one line on stderr, exit code 1."""
    from bot.logs import redact

    print(f"support-bot: {redact(str(problem))}", file=sys.stderr)
    return 1


def setup_logging(level: str, fmt: str = "text", secrets: tuple[str, ...] = ()) -> None:
    """Configures logging once, at start (see ``bot/logs.py``)."""
    from bot.logs import setup_logging as setup

    setup(level, fmt, secrets)


def cmd_run(_args: argparse.Namespace) -> int:
    """Runs the bot with long polling until SIGINT or SIGTERM."""
    settings = _settings()
    setup_logging(settings.log_level, settings.log_format, settings.secrets())
    from bot.app import StartupError, serve
    from storage.db import DatabaseProblem

    try:
        until_signal(lambda stop: serve(settings, stop=stop))
    except (StartupError, DatabaseProblem) as exc:
        return fail(exc)
    return 0


def until_signal(start: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Runs ``start(stop)`` in a new event loop; SIGINT or SIGTERM sets ``stop``."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await start(stop)

    asyncio.run(main())


class Early(NamedTuple):
    """The few settings a command reads before the bot's own."""

    database_url: str
    bot_token: str
    # Read only to be carried into the organizations by migration 0010.
    organization_managers: str = ""


def _early_settings() -> Early:
    """DATABASE_URL and BOT_TOKEN as the bot would read them (environment, then .env), so a
    command works while the rest of the settings are incomplete or wrong."""
    from pydantic_settings import BaseSettings, SettingsConfigDict

    from bot.config import DEFAULT_DB_PATH

    class _Early(BaseSettings):
        model_config = SettingsConfigDict(env_file=".env", extra="ignore")
        database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}"
        bot_token: str = ""
        organization_managers: str = ""

    try:
        found = _Early()
    except ValidationError:  # a .env it cannot read: the environment alone
        found = _Early(_env_file=None)  # type: ignore[call-arg]
    return Early(found.database_url, found.bot_token, found.organization_managers)


def _has_token() -> bool:
    """Whether BOT_TOKEN is set, in the environment or in .env (empty counts as unset)."""
    return bool(_early_settings().bot_token.strip())


def cmd_dev(args: argparse.Namespace) -> int:
    """The README's first command: the real bot with a token, the sandbox without one."""
    if _has_token():
        if args.sandbox_options:
            return fail(
                "BOT_TOKEN is set, so this runs the real bot, which takes no options; "
                "for the sandbox run: support-bot sandbox " + " ".join(args.sandbox_options)
            )
        return cmd_run(args)
    return cmd_sandbox(build_parser().parse_args(["sandbox", *args.sandbox_options]))


def cmd_sandbox(args: argparse.Namespace) -> int:
    """The desk in a browser: emulator, the real bot, the page (``sandbox/``)."""
    from bot.app import StartupError
    from sandbox.runner import Options, SandboxProblem, new_password, run
    from storage.db import DatabaseProblem

    options = Options(
        port=args.port,
        host=args.host,
        plain=args.plain,
        demo_data=args.demo_data,
        fresh=args.fresh,
    )
    if not options.loopback:
        options = dataclasses.replace(options, password=args.password or new_password())
    setup_logging(args.log_level)

    try:
        until_signal(lambda stop: run(options, stop))
    except (SandboxProblem, StartupError, DatabaseProblem) as exc:
        return fail(exc)
    print("sandbox stopped; ./dev.sh run continues with the same data (--fresh forgets it)")
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Applies the database migrations and exits."""
    early = _early_settings()
    setup_logging("INFO")
    from storage.db import DatabaseProblem, migrate

    try:
        migrate(early.database_url, carried={"organization_managers": early.organization_managers})
    except DatabaseProblem as exc:
        return fail(exc)
    print("database is up to date")
    return 0


def _desk_settings() -> DeskSettings:
    from bot.config import DeskSettings, describe_errors

    try:
        return DeskSettings()
    except ValidationError as exc:
        print(describe_errors(exc), file=sys.stderr)
        raise SystemExit(2) from None


def _aliases(database_url: str) -> dict[str, list[str]]:
    """Aliases learnt by the bot, if its database is there; none otherwise (and none is
    created)."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage import repo
    from storage.db import DatabaseProblem, create_sessionmaker, open_migrated

    async def load() -> dict[str, list[str]]:
        engine = await open_migrated(database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                return await repo.all_aliases(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(load())
    except (DatabaseProblem, SQLAlchemyError, OSError) as exc:
        logging.getLogger(__name__).info("no aliases from the database: %s", exc)
        return {}


def cmd_kb_check(args: argparse.Namespace) -> int:
    """Reports every broken article with file and line; non-zero exit if any."""
    from kb.articles import load_dir

    settings = _desk_settings()
    kb_dir = Path(args.kb_dir) if args.kb_dir else settings.kb_dir
    result = load_dir(kb_dir)
    for problem in result.problems:
        print(problem)
    print(f"{len(result.articles)} articles OK, {len(result.problems)} broken ({kb_dir})")
    return 1 if result.problems else 0


def cmd_kb_search(args: argparse.Namespace) -> int:
    """Searches like the bot does; one JSON line per query."""
    import json

    settings = _desk_settings()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    kb_dir = Path(args.kb_dir) if args.kb_dir else None
    kb = _built(settings, kb_dir, semantic=not args.no_semantic)
    queries = [" ".join(args.query)] if args.query else (line.strip() for line in sys.stdin)
    for query in queries:
        if not query:
            continue
        outcome = kb.search(query, top=args.top)
        results = [
            {"id": r.article.id, "title": r.article.title, "score": r.score}
            for r in outcome.results
        ]
        if args.json or not args.query:
            print(json.dumps({"query": query, "results": results}, ensure_ascii=False), flush=True)
        else:
            if outcome.chatter:
                print(f"({outcome.chatter.value}: no articles)")
            elif not results:
                print("(nothing passes the threshold)")
            for r in results:
                print(f"{r['score']:5.1f}  {r['id']}  {r['title']}")
    return 0


def _built(settings: DeskSettings, kb_dir: Path | None, *, semantic: bool) -> KnowledgeBase:
    """The knowledge base as the bot builds it, with progress bars on a terminal."""
    import contextlib

    from kb.progress import Progress
    from kb.service import build_knowledge_base

    kb = build_knowledge_base(settings, kb_dir=kb_dir, semantic=semantic)
    kb.load_semantic()
    aliases = _aliases(settings.database_url)  # before any bar: it may log
    with contextlib.ExitStack() as bars:
        kb.rebuild(aliases, progress=lambda label: bars.enter_context(Progress(label)))
    return kb


def cmd_kb_calibrate(args: argparse.Namespace) -> int:
    """Prints the threshold the bot chooses for the articles in use, and why."""
    from kb.calibration import PASS_SHARE

    settings = _desk_settings()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    kb_dir = Path(args.kb_dir) if args.kb_dir else None
    kb = _built(settings, kb_dir, semantic=not args.no_semantic)
    matcher = kb.matcher
    stage = "semantic + lexical" if matcher.semantic else "lexical only"
    print(f"{len(kb.articles)} articles ({kb.kb_dir}), {stage}")
    found = matcher.calibration
    if found is None:
        print("not calibrated (no articles, or too few no-answer questions in their languages)")
    else:
        print(
            f"calibrated threshold {found.threshold:g}: {found.negatives} shipped questions "
            f"that no article should answer ({', '.join(found.langs)}) were scored against "
            f"these articles; {found.passing:.0%} of them reach it (at most {PASS_SHARE:.0%} may)."
        )
        print(f"shown as the answer from {found.confident:g} (90 % of them score below)")
        print("the no-answer questions that score highest here:")
        for score, article, text in found.top:
            print(f"  {score:5.1f}  {article:<28}  {text}")
    configured = settings.kb_threshold if matcher.semantic else settings.kb_lexical_threshold
    if configured is not None:
        name = "KB_THRESHOLD" if matcher.semantic else "KB_LEXICAL_THRESHOLD"
        print(f"the bot uses {configured:g}: {name} is set and overrides the calibration")
    else:
        print(f"the bot uses {matcher.threshold:g}")
    return 0


def cmd_kb_stats(args: argparse.Namespace) -> int:
    """Prints what the knowledge base did: searches, deflection, gaps."""
    import json
    from datetime import UTC, datetime, timedelta

    from storage import repo
    from storage.db import DatabaseProblem, create_sessionmaker, open_migrated

    settings = _desk_settings()

    async def load() -> dict[str, object]:
        engine = await open_migrated(settings.database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                since = datetime.now(UTC) - timedelta(days=args.days)
                return await repo.kb_stats(session, since=since, limit=args.top)
        finally:
            await engine.dispose()

    try:
        stats = asyncio.run(load())
    except DatabaseProblem as exc:
        return fail(exc)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    print(f"last {args.days} days")
    print(f"searches: {stats['searches']} (with articles found: {stats['with_results']})")
    share = float(stats["deflected_share"]) * 100  # type: ignore[arg-type]
    print(f"answered by the knowledge base (deflected): {stats['deflected']} ({share:.0f}%)")
    print(
        f"helped: {stats['helped']}, not helped: {stats['not_helped']}, "
        f"tickets after a search: {stats['tickets_after_search']}"
    )
    print("most opened articles:")
    for article_id, count in stats["top_articles"]:  # type: ignore[attr-defined]
        print(f"  {count:4d}  {article_id}")
    print("most frequent questions with no good match:")
    for question, count in stats["unanswered"]:  # type: ignore[attr-defined]
        print(f"  {count:4d}  {question}")
    return 0


def _with_database(database_url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Runs `work` in one transaction on the migrated database (DatabaseProblem if it is not)."""
    from storage.db import create_sessionmaker, open_migrated

    async def main() -> T:
        engine = await open_migrated(database_url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def cmd_org_import(args: argparse.Namespace) -> int:
    """Imports organizations from a CSV or XLSX file: the good rows, each bad one reported."""
    from datetime import UTC, datetime

    from desk.org_rows import FileProblem, read_file
    from storage import orgs
    from storage.db import DatabaseProblem

    try:
        parsed = read_file(Path(args.file))
    except FileProblem as exc:
        fail(f"{args.file}: {exc}; nothing imported")
        return 2
    now = datetime.now(UTC)
    try:
        counts, refused = _with_database(
            _early_settings().database_url,
            lambda session: orgs.import_rows(session, parsed.rows, now=now),
        )
    except DatabaseProblem as exc:
        return fail(exc)
    bad = sorted(parsed.bad + refused, key=lambda row: row.line)
    for row in bad:
        print(row)
    print(
        f"{counts[orgs.Change.CREATED]} created, {counts[orgs.Change.UPDATED]} updated, "
        f"{counts[orgs.Change.UNCHANGED]} unchanged, {len(bad)} bad"
    )
    return 1 if bad else 0


def cmd_org_export(args: argparse.Namespace) -> int:
    """Writes every organization in the import's columns: CSV (to stdout) or XLSX."""
    from desk.org_rows import OrgRecord, write_csv, write_xlsx
    from storage import orgs
    from storage.db import DatabaseProblem

    out = Path(args.out) if args.out else None
    form = args.format or ("xlsx" if out is not None and out.suffix.lower() == ".xlsx" else "csv")
    if form == "xlsx" and out is None:
        return fail("--format xlsx writes a file: give --out FILE.xlsx")

    async def records(session: AsyncSession) -> list[OrgRecord]:
        return [orgs.record(org) for org in await orgs.all_organizations(session)]

    try:
        found = _with_database(_early_settings().database_url, records)
    except DatabaseProblem as exc:
        return fail(exc)
    try:
        if out is None:
            sys.stdout.write(write_csv(found))
        elif form == "xlsx":
            out.write_bytes(write_xlsx(found))
        else:
            out.write_text(write_csv(found), encoding="utf-8")
    except OSError as exc:
        return fail(f"cannot write {out}: {exc.strerror or exc}")
    if out is not None:
        print(f"{len(found)} organizations written to {out}")
    return 0


def _org_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``support-bot org import|export``."""
    org = sub.add_parser(
        "org",
        help="organizations: bulk import and export",
        description="Organizations in bulk, as a CSV or XLSX table with a header row.",
    )
    org_sub = org.add_subparsers(dest="org_command", required=True)
    columns = (
        "Columns (English or Russian header names; only name is required): name (Название), "
        "kind (Тип: direct/partner, прямой/партнёр), partner_name (Партнёр), partner_contacts "
        "(Контакты партнёра), manager_name (Менеджер), manager_user_id (ID менеджера), "
        "contract_until (Договор до: YYYY-MM-DD or DD.MM.YYYY), notes (Заметки)."
    )
    load = org_sub.add_parser(
        "import",
        help="create or update organizations from a CSV or XLSX file",
        description="Create or update organizations from FILE: CSV (UTF-8, with or without a "
        "BOM, ',' or ';' between cells) or XLSX (its first sheet). An organization is matched "
        "by its name (case, quotes, ё and spaces ignored); only the file's columns are set, "
        "so importing the same file again changes nothing. Each bad row is printed as "
        "'line N: reason' and skipped; the good rows are imported. " + columns,
        epilog="Exit codes: 0 every row imported; 1 some rows were bad (the good ones were "
        "imported); 2 the file could not be read (a missing or unknown column, not UTF-8, not "
        "a table): nothing imported.",
    )
    load.add_argument("file", help="the CSV or XLSX file")
    load.set_defaults(func=cmd_org_import)
    dump = org_sub.add_parser(
        "export",
        help="write every organization as CSV or XLSX",
        description="Write every organization in the import's columns (English header "
        "names), so that importing the result changes nothing. " + columns,
    )
    dump.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        help="csv (the default; xlsx when --out ends with .xlsx)",
    )
    dump.add_argument("--out", help="the file to write (CSV goes to standard output without it)")
    dump.set_defaults(func=cmd_org_export)


def _report_data(load: Callable[[Any, DeskSettings], Awaitable[T]]) -> T:
    """Runs `load(session, settings)` on the desk's migrated database."""
    settings = _desk_settings()
    return _with_database(settings.database_url, lambda session: load(session, settings))


def cmd_report_act(args: argparse.Namespace) -> int:
    """Writes the month's act of completed work: one XLSX workbook, or CSV files."""
    from datetime import datetime

    from bot import reports as render
    from desk.act import Month
    from storage.db import DatabaseProblem
    from storage.reports import UnknownOrganization, load_act

    try:
        month = Month.parse(args.month) if args.month else None
    except ValueError:
        return fail(f"--month is YYYY-MM, e.g. 2026-11 (not {args.month!r})")

    async def load(session: Any, settings: DeskSettings) -> Any:
        chosen = month or Month.previous(datetime.now(settings.zone).date())
        return await load_act(session, chosen, settings.zone, organization=args.org)

    try:
        act = _report_data(load)
    except UnknownOrganization:
        return fail(f"there is no organization {args.org!r}")
    except DatabaseProblem as exc:
        return fail(exc)
    if act.empty:
        print(f"no billable hours in {act.month}: no consultation has time logged")
        return 0
    if args.format == "xlsx":
        out = Path(args.out or f"act-{act.month}.xlsx")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(render.act_xlsx(act, args.lang))
        print(out)
    else:
        folder = Path(args.out or f"act-{act.month}")
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in render.act_csv(act, args.lang):
            (folder / name).write_bytes(content)
            print(folder / name)
    hours = render.number_text(args.lang, act.total)
    print(f"{len(act.groups)} organization(s), {hours} h billable in {act.month}")
    return 0


def cmd_report_stats(args: argparse.Namespace) -> int:
    """Writes the chart of the last weeks and prints the figures."""
    from datetime import UTC, datetime

    from bot import reports as render
    from desk.stats import MAX_WEEKS
    from storage.db import DatabaseProblem
    from storage.reports import load_figures

    if not 1 <= args.weeks <= MAX_WEEKS:
        return fail(f"--weeks is 1 to {MAX_WEEKS}")

    async def load(session: Any, settings: DeskSettings) -> Any:
        return await load_figures(
            session, now=datetime.now(UTC), weeks=args.weeks, zone=settings.zone
        )

    try:
        figures = _report_data(load)
    except DatabaseProblem as exc:
        return fail(exc)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render.stats_png(figures, args.lang))
    print(render.stats_text(figures, args.lang))
    print(out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="support-bot",
        description="Support desk in Telegram: tickets, relay to the operator group.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="run the bot (long polling)",
        description="Run the bot with long polling. Settings come from the environment and .env.",
    )
    run.set_defaults(func=cmd_run)
    dev = sub.add_parser(
        "dev",
        help="the real bot if BOT_TOKEN is set, else the sandbox (./dev.sh run)",
        description="What ./dev.sh run does: the real bot when BOT_TOKEN is set (environment or "
        ".env), the sandbox otherwise; options go to the sandbox.",
    )
    dev.set_defaults(func=cmd_dev)
    sandbox = sub.add_parser(
        "sandbox",
        help="the desk in a browser, without Telegram",
        description="Run the Bot API emulator, the real bot pointed at it and a web page "
        "showing a client's chat and the operator group. Data stays in data/sandbox/.",
    )
    sandbox.add_argument("--port", type=int, default=8080, help="the page's port (8080)")
    sandbox.add_argument(
        "--host",
        default="127.0.0.1",
        help="where the page listens (loopback by default; any other asks for a password)",
    )
    sandbox.add_argument(
        "--password", help="the page's password when --host is not loopback (default: random)"
    )
    sandbox.add_argument(
        "--plain", action="store_true", help="an operator group without topics (reply mode)"
    )
    sandbox.add_argument(
        "--demo-data", action="store_true", help="fill the desk so every feature shows"
    )
    sandbox.add_argument("--fresh", action="store_true", help="forget the earlier sandbox data")
    sandbox.add_argument("--log-level", default="WARNING", help="the bot's log level (WARNING)")
    sandbox.set_defaults(func=cmd_sandbox)
    migrate = sub.add_parser(
        "migrate",
        help="apply database migrations",
        description="Apply the migrations to DATABASE_URL (the bot also does it at start).",
    )
    migrate.set_defaults(func=cmd_migrate)

    kb = sub.add_parser(
        "kb",
        help="knowledge base: check, search, stats",
        description="Knowledge-base tools: the same articles, matcher and threshold as the bot.",
    )
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser(
        "check",
        help="report broken articles",
        description="Report every broken article (bad YAML, missing id or title, duplicate "
        "id) with file and line; exit 1 if there is any.",
    )
    check.add_argument("--kb-dir", help="folder of articles (default: KB_DIR)")
    check.set_defaults(func=cmd_kb_check)
    search = kb_sub.add_parser(
        "search",
        help="search like the bot does",
        description="Search the knowledge base like the bot does. Without QUERY, read queries "
        "from standard input, one per line, and print one JSON object per line: "
        '{"query": ..., "results": [{"id", "title", "score"}]}.',
    )
    search.add_argument("query", nargs="*", help="the question (omit to read standard input)")
    search.add_argument("--kb-dir", help="folder of articles (default: KB_DIR)")
    search.add_argument("--top", type=int, default=3, help="at most this many results (3)")
    search.add_argument("--json", action="store_true", help="JSON output for a single QUERY too")
    search.add_argument("--no-semantic", action="store_true", help="lexical stage only")
    search.set_defaults(func=cmd_kb_search)
    calibrate = kb_sub.add_parser(
        "calibrate",
        help="the threshold chosen for these articles, and why",
        description="Calibrate the confidence threshold on the articles in use, as the bot "
        "does at start and whenever they change, and print what was chosen and why. "
        "KB_THRESHOLD (KB_LEXICAL_THRESHOLD without the semantic stage) overrides it.",
    )
    calibrate.add_argument("--kb-dir", help="folder of articles (default: KB_DIR)")
    calibrate.add_argument("--no-semantic", action="store_true", help="lexical stage only")
    calibrate.set_defaults(func=cmd_kb_calibrate)
    stats = kb_sub.add_parser(
        "stats",
        help="what the knowledge base answered and what it could not",
        description="Searches, the share answered by the knowledge base (deflected), the "
        "most opened articles and the most frequent questions with no good match.",
    )
    stats.add_argument("--days", type=int, default=30, help="period in days (30)")
    stats.add_argument("--top", type=int, default=10, help="list lengths (10)")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    stats.set_defaults(func=cmd_kb_stats)
    _org_parser(sub)

    report = sub.add_parser(
        "report",
        help="the monthly act of completed work; the desk's figures",
        description="Hours reports from DATABASE_URL: the act (billable hours on "
        "consultations, by work date) and the chart of the last weeks.",
    )
    report_sub = report.add_subparsers(dest="report_command", required=True)
    act = report_sub.add_parser(
        "act",
        help="the month's act: XLSX workbook or CSV files",
        description="The month's billable hours (time logged on consultations whose work "
        "date is in the month) per organization and per ticket. xlsx: one workbook, a sheet "
        "per organization and a summary; csv: a folder with a file per organization.",
    )
    act.add_argument("--month", help="YYYY-MM (default: last month in the desk's time zone)")
    act.add_argument("--org", help="one organization, by name (default: all)")
    act.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx (default)")
    act.add_argument(
        "--out", help="file (xlsx) or folder (csv); default act-YYYY-MM.xlsx or act-YYYY-MM/"
    )
    act.add_argument("--lang", choices=("ru", "en"), default="ru", help="language (ru)")
    act.set_defaults(func=cmd_report_act)
    chart = report_sub.add_parser(
        "stats",
        help="the chart of tickets per week and the desk's figures",
        description="Tickets opened and closed per ISO week, the share answered within the "
        "first-response deadline, the average rating and the share of questions answered by "
        "the knowledge base; writes a PNG and prints the figures.",
    )
    chart.add_argument("--weeks", type=int, default=12, help="weeks, ending this one (12)")
    chart.add_argument("--out", default="stats.png", help="PNG file (stats.png)")
    chart.add_argument("--lang", choices=("ru", "en"), default="ru", help="language (ru)")
    chart.set_defaults(func=cmd_report_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``support-bot``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["dev"]:  # everything after it goes to the sandbox, checked there
        return cmd_dev(argparse.Namespace(sandbox_options=argv[1:]))
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())

"""The ``support-bot`` command: run, migrate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from pydantic import ValidationError


def _settings():  # type: ignore[no-untyped-def]
    from bot.config import Settings, describe_errors

    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as exc:
        print("support-bot: the settings are not complete:", file=sys.stderr)
        print(describe_errors(exc), file=sys.stderr)
        print("See .env.example for every setting.", file=sys.stderr)
        raise SystemExit(2) from None


def setup_logging(level: str) -> None:
    """Configures logging once, at start; httpx is quiet below WARNING."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def cmd_run(_args: argparse.Namespace) -> int:
    """Runs the bot with long polling until SIGINT or SIGTERM."""
    settings = _settings()
    setup_logging(settings.log_level)
    from bot.app import serve

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop=stop)

    asyncio.run(main())
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Applies the database migrations and exits."""
    import os

    from bot.config import DEFAULT_DB_PATH

    url = os.environ.get("DATABASE_URL")
    if url is None:
        try:
            from pydantic_settings import BaseSettings, SettingsConfigDict

            class _DbOnly(BaseSettings):
                model_config = SettingsConfigDict(env_file=".env", extra="ignore")
                database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}"

            url = _DbOnly().database_url
        except ValidationError:
            url = f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}"
    setup_logging("INFO")
    from storage.db import migrate

    migrate(url)
    print("database is up to date")
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
    migrate = sub.add_parser(
        "migrate",
        help="apply database migrations",
        description="Apply the migrations to DATABASE_URL (the bot also does it at start).",
    )
    migrate.set_defaults(func=cmd_migrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``support-bot``."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())

"""Settings from the environment and `.env`, checked once at start."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from desk.calendar import BusinessCalendar
from desk.people import Gender, parse_gender
from kb.articles import DEFAULT_KB_DIR

DEFAULT_DB_PATH = Path("data") / "support-bot.db"


class DeskSettings(BaseSettings):
    """What the desk's tools share with the bot: database, time zone, knowledge base.

    The ``support-bot kb`` commands read only these, so they work without a bot token.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}",
        description="SQLAlchemy URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    timezone: str = Field(default="Europe/Moscow")
    data_dir: Path = Field(default=DEFAULT_DB_PATH.parent)
    kb_dir: Path = Field(default=DEFAULT_KB_DIR)
    kb_semantic: bool = True
    # None (the default): calibrated on the base in use (kb.calibration).
    kb_threshold: float | None = Field(default=None, ge=0, le=100)
    kb_lexical_threshold: float | None = Field(default=None, ge=0, le=100)
    kb_reload_interval: float = Field(default=10.0, gt=0)
    autoclose_business_days: int = Field(default=5, ge=1, le=60)
    reopen_days: int = Field(default=30, ge=0, le=365)
    work_hours: str = Field(default="09:00-18:00")
    desk_days_off: Annotated[frozenset[date], NoDecode] = frozenset()
    desk_working_days: Annotated[frozenset[date], NoDecode] = frozenset()
    log_level: str = "INFO"
    # text: one readable line; json: one JSON object a line (time, level, logger, message,
    # update_id, chat_id, ticket). The token and WEBHOOK_SECRET are masked in both.
    log_format: Literal["text", "json"] = "text"

    @field_validator("desk_days_off", "desk_working_days", mode="before")
    @classmethod
    def _dates(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return frozenset(
                    date.fromisoformat(part.strip())
                    for part in value.replace(";", ",").split(",")
                    if part.strip()
                )
            except ValueError as exc:
                raise ValueError("dates are YYYY-MM-DD, separated by commas") from exc
        return value

    @field_validator("kb_threshold", "kb_lexical_threshold", mode="before")
    @classmethod
    def _calibrated_when_empty(cls, value: object) -> object:
        # KB_THRESHOLD= (empty, as in .env.example) means "calibrate", like leaving it out.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("work_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        try:
            start, end = (time.fromisoformat(p.strip()) for p in value.split("-"))
        except ValueError as exc:
            raise ValueError("WORK_HOURS is like 09:00-18:00") from exc
        if end <= start:
            raise ValueError("WORK_HOURS must end after it starts")
        return value

    @property
    def calendar(self) -> BusinessCalendar:
        """The desk's business days and working hours."""
        start, end = (time.fromisoformat(p.strip()) for p in self.work_hours.split("-"))
        return BusinessCalendar(
            zone=self.zone,
            work_start=start,
            work_end=end,
            extra_days_off=self.desk_days_off,
            extra_working_days=self.desk_working_days,
        )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The desk's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def kb_drafts_dir(self) -> Path:
        """Where drafted articles wait for an admin's review."""
        return self.data_dir / "kb-drafts"


class Settings(DeskSettings):
    """Everything the bot reads from its environment. See `.env.example`."""

    bot_token: SecretStr = Field(description="Token from @BotFather.")
    operator_chat_id: int = Field(description="Id of the engineers' supergroup, e.g. -100123.")
    telegram_api_url: str = Field(default="https://api.telegram.org")
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="For webhook mode (coming): the secret Telegram sends in a header; "
        "never logged.",
    )
    default_language: Literal["ru", "en"] = "ru"
    operator_language: Literal["ru", "en"] = "ru"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    engineer_genders: Annotated[dict[int, Gender], NoDecode] = Field(
        default_factory=dict,
        description="Optional grammatical gender of engineers for Russian messages, "
        "e.g. 111:female,222:male; an engineer's own /me wins; neutral wording otherwise.",
    )
    group_messages_per_minute: int = Field(default=20, ge=1)
    group_window_seconds: float = Field(
        default=60.0,
        gt=0,
        description="The window of GROUP_MESSAGES_PER_MINUTE: Telegram's is a minute; a "
        "shorter one only to watch the group's queue at work quickly.",
    )
    messages_per_second: float = Field(
        default=29.5,
        gt=0,
        description="Sends per second for the whole bot, evenly spaced; a hair under "
        "Telegram's 30 so network jitter never crosses it.",
    )
    send_retries: int = Field(default=3, ge=0)
    poll_timeout: int = Field(default=30, ge=0, le=50)
    request_timeout: float = Field(default=10.0, gt=0)
    album_wait: float = Field(default=1.5, gt=0, description="Seconds to collect an album.")
    retry_base_seconds: float = Field(
        default=2.0,
        gt=0,
        description="First retry delay of a message Telegram did not take; doubles up to "
        "5 minutes.",
    )
    shutdown_grace: float = Field(
        default=3.0,
        ge=0,
        le=8,
        description="Seconds that handlers and sends in flight get when the bot stops; the "
        "rest stays stored for the next start.",
    )
    private_chat_interval: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between two messages into one private chat (Telegram allows "
        "about one a second); other chats are not held back meanwhile.",
    )
    cosmetic_settle: float = Field(
        default=2.0,
        ge=0,
        description="Seconds a topic title or header card waits for further changes, so a "
        "burst of them becomes one edit.",
    )
    feedback_wait: float = Field(
        default=30.0,
        ge=0,
        description="Seconds a client's rating waits for their comment before engineers see "
        "both in one message.",
    )
    rating_comment_minutes: float = Field(
        default=10.0,
        gt=0,
        description="Minutes after rating a ticket during which the client's next message is "
        "the rating's comment (no reply needed).",
    )
    group_preview: bool = Field(
        default=True,
        description="Show new tickets at once in one message in General while their topics "
        "wait for the group's budget.",
    )
    history_page_chars: int = Field(default=3500, ge=500, le=4000)
    sla_table: str = Field(default="", description="JSON overrides of the deadline table.")
    manager_id: int | None = None
    # Former setting: migration 0010 carries it into the organizations' managers; unused since.
    organization_managers: str = Field(default="", description='JSON {"organization": id}')
    digest_time: str = Field(default="09:00")
    sweep_interval: float = Field(
        default=60.0, gt=0, description="Seconds between sweeps for reminders and auto-close."
    )
    broadcast_workers: int = Field(
        default=4, ge=1, le=32, description="Announcement sends in flight at once."
    )
    broadcast_progress_interval: float = Field(
        default=10.0, ge=3.0, description="Seconds between edits of the progress message."
    )
    broadcast_lease: float = Field(
        default=60.0,
        gt=0,
        description="Seconds after which a send left in flight by a dead process counts as "
        "unknown; must exceed 4 x REQUEST_TIMEOUT.",
    )
    broadcast_retry_base: float = Field(
        default=2.0, gt=0, description="First retry delay of an announcement send; doubles."
    )
    broadcast_idle_poll: float = Field(
        default=5.0, gt=0, description="Seconds between looks for work when idle."
    )
    news_items: int = Field(default=5, ge=1, le=20, description="Announcements shown by /news.")

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        head, _, tail = token.partition(":")
        if not head.isdigit() or not tail:
            raise ValueError("BOT_TOKEN must look like 123456:ABC... (copy it from @BotFather)")
        return SecretStr(token)

    @model_validator(mode="after")
    def _lease_outlives_requests(self) -> Settings:
        # One request may wait for a pooled connection, connect, write and read, each up to
        # REQUEST_TIMEOUT; a lease shorter than that could judge a live send interrupted.
        if self.broadcast_lease <= 4 * self.request_timeout:
            raise ValueError(
                "BROADCAST_LEASE must exceed 4 × REQUEST_TIMEOUT (pool, connect, write and read "
                "timeouts of one request), or a slow send in flight would be judged interrupted"
            )
        return self

    @field_validator("operator_chat_id")
    @classmethod
    def _group_id(cls, value: int) -> int:
        if value >= 0:
            raise ValueError("OPERATOR_CHAT_ID is a group id and groups have negative ids")
        return value

    @field_validator("manager_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("sla_table")
    @classmethod
    def _sla(cls, value: str) -> str:
        from desk.sla import parse_table

        try:
            parse_table(value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"SLA_TABLE: {exc}") from exc
        return value

    @field_validator("organization_managers")
    @classmethod
    def _managers(cls, value: str) -> str:
        import json

        if value:
            try:
                raw = json.loads(value)
                assert isinstance(raw, dict) and all(isinstance(v, int) for v in raw.values())
            except (ValueError, AssertionError) as exc:
                raise ValueError('ORGANIZATION_MANAGERS is JSON: {"ООО Ромашка": 123}') from exc
        return value

    @field_validator("digest_time")
    @classmethod
    def _digest(cls, value: str) -> str:
        time.fromisoformat(value)
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("TELEGRAM_API_URL must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("engineer_genders", mode="before")
    @classmethod
    def _genders(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        genders: dict[int, Gender] = {}
        for part in value.replace(";", ",").split(","):
            if not part.strip():
                continue
            user, _, word = part.partition(":")
            gender = parse_gender(word)
            if gender is None or not user.strip().lstrip("-").isdigit():
                raise ValueError(f"ENGINEER_GENDERS: {part.strip()!r} is not user_id:female|male")
            genders[int(user)] = gender
        return genders

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(
                int(part) for part in value.replace(";", ",").split(",") if part.strip()
            )
        if isinstance(value, int):
            return frozenset({value})
        return value

    def secrets(self) -> tuple[str, ...]:
        """Values never to be shown in a log line or an error message (``bot/logs.py``)."""
        webhook = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        return (self.bot_token.get_secret_value(), webhook)

    @property
    def bot_api_base(self) -> str:
        """Base URL for Bot API calls; PTB appends the token and the method."""
        return f"{self.telegram_api_url}/bot"

    @property
    def bot_file_base(self) -> str:
        """Base URL for file downloads; PTB appends the token and the path."""
        return f"{self.telegram_api_url}/file/bot"


def describe_errors(exc: Exception) -> str:
    """Turns a pydantic ValidationError into lines a person can act on."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    lines = []
    for err in exc.errors():
        name = ".".join(str(p) for p in err["loc"]).upper() or "settings"
        if err["type"] == "missing":
            lines.append(f"{name} is not set: put it in the environment or in .env")
        else:
            lines.append(f"{name}: {err['msg']}")
    return "\n".join(lines)

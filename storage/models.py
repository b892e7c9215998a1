"""The desk's tables."""

from __future__ import annotations

from datetime import date as date_type
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import BigId, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class Client(Base):
    """A Telegram user who writes to the bot in a private chat."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="ru")
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    # The organization the client works for (linked by an invitation or an engineer); none
    # means unverified. Loaded with the client: titles, cards and routing all need it.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    org: Mapped[Organization | None] = relationship(lazy="joined")
    # The open ticket a plain message goes to (no foreign key: tickets refer to clients).
    active_ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    # The ticket whose context the client last saw a header for, so answers from
    # another ticket get a fresh "#1042" header and answers in a row do not.
    shown_ticket_id: Mapped[int | None] = mapped_column(Integer)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ticket whose priority the client asked to raise: their next message is the reason.
    pending_raise_ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    # The closed ticket the client just rated: their next message until `comment_until` is
    # the rating's comment (a command or a button press ends the window).
    comment_ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    comment_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Release announcements: whether the client wants them, and whether we asked yet.
    subscribed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    subscription_asked: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def display_name(self) -> str:
        """First and last name as Telegram shows them, on one line (a name cannot add lines
        to an engineer's card or turn its text around)."""
        from desk.text import one_line

        return one_line(" ".join(p for p in (self.first_name, self.last_name) if p)) or str(
            self.id
        )

    @property
    def organization(self) -> str | None:
        """The name of the client's organization, if they are linked to one."""
        return self.org.name if self.org is not None else None


class Organization(Base):
    """A customer company: the vendor's direct client or a partner's client."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name folded (case, ё, spaces and quotes): "ООО «Ромашка»" and "ооо ромашка" are one.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    # direct: the vendor's own client; partner: served through `partner_name`.
    kind: Mapped[str] = mapped_column(String(16), default="direct", server_default="direct")
    partner_name: Mapped[str | None] = mapped_column(String(200))
    partner_contacts: Mapped[str | None] = mapped_column(Text)
    manager_name: Mapped[str | None] = mapped_column(String(200))
    manager_user_id: Mapped[int | None] = mapped_column(BigInteger)
    # The last day the support contract covers; none means no end date is known.
    contract_until: Mapped[date_type | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Invitation(Base):
    """A link that joins whoever opens it to an organization: ``t.me/<bot>?start=<token>``."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None: any number of clients may use it until it expires.
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InvitationUse(Base):
    """Who joined by an invitation: a client opening it twice uses it once."""

    __tablename__ = "invitation_uses"

    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AdminInput(Base):
    """A value an admin was asked for in the operator group (``/orgs``: a field of an
    organization, a new organization's name, a client to link): their next message in that
    thread answers it. Kept here, not in memory, so a restart does not lose the question."""

    __tablename__ = "admin_inputs"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    # What is asked: one of desk.org_fields.InputKind.
    what: Mapped[str] = mapped_column(String(16))
    # The organization it is about (none for a new one's name).
    target_id: Mapped[int | None] = mapped_column(BigInteger)
    # The panel message that asked: a reply to it answers, and it shows the result.
    message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TimeEntry(Base):
    """Time an engineer logged on a ticket (``/time``): billed for consultations."""

    __tablename__ = "time_entries"
    __table_args__ = (Index("ix_time_entries_work_date", "work_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    engineer_id: Mapped[int] = mapped_column(BigInteger)
    engineer_name: Mapped[str] = mapped_column(String(200), default="")
    minutes: Mapped[int] = mapped_column(Integer)
    work_date: Mapped[date_type] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Counter(Base):
    """Named counters: ticket numbers are taken with UPDATE ... RETURNING."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class Ticket(Base):
    """A client's request to the desk."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_client_created", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(BigInteger, unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    assignee_id: Mapped[int | None] = mapped_column(BigInteger)
    assignee_name: Mapped[str | None] = mapped_column(String(128))
    operator_chat_id: Mapped[int] = mapped_column(BigInteger)
    topic_id: Mapped[int | None] = mapped_column(BigInteger)
    header_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_client_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Waiting for the client: why ("solution" or "question"), since when, and the clock.
    waiting_kind: Mapped[str | None] = mapped_column(String(16))
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    autoclose_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # engineer, confirmed (by the client) or auto (silence).
    close_reason: Mapped[str | None] = mapped_column(String(16))
    csat: Mapped[int | None] = mapped_column(Integer)
    csat_comment: Mapped[str | None] = mapped_column(Text)
    csat_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # A new ticket opened for a closed one whose reopening window had passed.
    parent_ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    # Deadlines (working hours): first response and resolution, their 80 % warnings, and
    # when each warning and breach was announced (so it is announced once).
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fr_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fr_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fr_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fr_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    res_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    res_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    res_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    res_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The resolution clock pauses while the ticket waits for the client.
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sla_paused_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    manager_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the operator group shows now, so a redraw that changes nothing is not sent: the
    # topic title, a digest of the header card, and whether the card is a media caption.
    title_sent: Mapped[str | None] = mapped_column(String(128))
    card_sent: Mapped[str | None] = mapped_column(String(64))
    card_is_caption: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The "new tickets" message in the General topic that showed it while its topic waited.
    preview_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The newest of its client's messages shown there (later ones go into the next one).
    preview_upto: Mapped[int | None] = mapped_column(BigInteger)
    # The group message with the client's rating and comment, edited when the comment comes.
    feedback_message_id: Mapped[int | None] = mapped_column(BigInteger)


class TicketMessage(Base):
    """One message of a ticket's correspondence, with its ids on both sides."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        Index("ix_ticket_messages_ticket", "ticket_id", "id"),
        Index("ix_ticket_messages_pending", "delivered", "direction"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    # in: client -> desk; out: engineer -> client; note: internal; event: status changes.
    direction: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(16), default="text")
    text: Mapped[str] = mapped_column(Text, default="")
    # The text or caption with its formatting, as Telegram HTML (for combined messages).
    html: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(256))
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    source_chat_id: Mapped[int] = mapped_column(BigInteger)
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    target_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    target_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # pending -> sent | failed (permanent, with error) | unknown (timed out: maybe sent).
    delivered: Mapped[str] = mapped_column(String(16), default="pending")
    # The outgoing record that carries it (see Outgoing), once there is one.
    outbox_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageLink(Base):
    """Which ticket a message in a chat belongs to, on either side of the relay."""

    __tablename__ = "message_links"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))


class Draft(Base):
    """A ticket being registered: the step the client is at and what they entered."""

    __tablename__ = "drafts"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    step: Mapped[str] = mapped_column(String(16))
    type: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[str | None] = mapped_column(String(16))
    # Set while editing from the summary: after the edited step, return to the summary.
    editing: Mapped[bool] = mapped_column(Boolean, default=False)
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The knowledge-base search that led to this ticket ("not helped"), if any.
    kb_search_id: Mapped[int | None] = mapped_column(BigInteger)
    # The closed ticket this one continues, if any.
    parent_ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DraftItem(Base):
    """A message the client added to a draft's description: text or an attachment."""

    __tablename__ = "draft_items"
    __table_args__ = (UniqueConstraint("client_id", "message_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("drafts.client_id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(256))
    media_group_id: Mapped[str | None] = mapped_column(String(64))


class KbAlias(Base):
    """A client's own words for an article, learnt from a ticket; layered over the files."""

    __tablename__ = "kb_aliases"
    __table_args__ = (UniqueConstraint("article_id", "text"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(String(100), index=True)
    text: Mapped[str] = mapped_column(String(500))
    ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class KbSearch(Base):
    """One knowledge-base search: what was asked, shown, opened, and what came of it."""

    __tablename__ = "kb_searches"
    __table_args__ = (Index("ix_kb_searches_created", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    query: Mapped[str] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # "results", "none" (nothing passed the threshold) or a chatter kind ("greeting"...).
    outcome: Mapped[str] = mapped_column(String(16))
    # JSON list of {"id": ..., "title": ..., "score": ...}, best first.
    results: Mapped[str] = mapped_column(Text, default="[]")
    opened_article: Mapped[str | None] = mapped_column(String(100))
    helped: Mapped[bool | None] = mapped_column(Boolean)
    ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16), default="chat")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PriorityRequest(Base):
    """A client's request to raise a ticket's priority, with the reason, and the decision."""

    __tablename__ = "priority_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    from_priority: Mapped[str] = mapped_column(String(16))
    to_priority: Mapped[str] = mapped_column(String(16))
    # pending, accepted, declined
    state: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Digest(Base):
    """One row per day the operator group got its digest: two replicas post it once."""

    __tablename__ = "digests"

    day: Mapped[date_type] = mapped_column(Date, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Announcement(Base):
    """A release announcement: composed in the operator group, then sent to subscribers.

    ``status`` goes composing → sending → done, or composing → cancelled. While composing,
    ``step`` says what the admin is asked for next: content, audience, orgs, version, preview.
    The values and the moves between them are ``desk/broadcast.py``'s.
    """

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_status", "status", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="composing")
    step: Mapped[str] = mapped_column(String(16), default="content")
    # Where the admin composes: the operator group's thread (None: General or no topics).
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    # The bot's current question to the admin, whose buttons go when it is answered.
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # What clients receive: text, photo, document, video, animation, audio or voice.
    kind: Mapped[str | None] = mapped_column(String(16))
    text_html: Mapped[str] = mapped_column(Text, default="")
    file_id: Mapped[str | None] = mapped_column(String(256))
    # "all" subscribers, or "orgs": the organizations listed (JSON) in ``organizations``.
    audience: Mapped[str] = mapped_column(String(8), default="all")
    organizations: Mapped[str] = mapped_column(Text, default="[]")
    # The organizations offered as buttons, so a pressed index means what the admin saw.
    org_choices: Mapped[str] = mapped_column(Text, default="[]")
    version: Mapped[str | None] = mapped_column(String(32))
    total: Mapped[int] = mapped_column(Integer, default=0)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Delivery(Base):
    """One announcement to one client.

    ``state``: pending → sending → sent | failed | blocked | unknown, or back to pending with
    ``retry_at`` after a failure that may pass. ``sending`` is written just before the request
    leaves; a row found in it after its lease ran out belonged to a process that died, and
    becomes ``unknown``: the client may or may not have it, so it is reported, not resent.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("announcement_id", "client_id"),
        Index("ix_deliveries_queue", "announcement_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"))
    client_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))
    # The "new version" ticket the client asked for from this announcement, at most one.
    ticket_id: Mapped[int | None] = mapped_column(BigInteger)


class InboxUpdate(Base):
    """An update from Telegram, stored before its offset is confirmed and handled once.

    ``state``: new → working → done | failed, or unparseable (the library could not read it;
    the raw JSON stays for a person to look at). ``update_id`` is Telegram's own, so an update
    delivered again (after a crash before the next getUpdates, or a retried webhook) meets its
    first copy and is not handled twice. The handler marks it done in the same transaction as
    its effect.
    """

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_state", "state", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(16), default="new")
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(String(300))


class Outgoing(Base):
    """One message (or edit, topic, reaction) the bot means to send: the durable record.

    Written in the same transaction as the change that causes it, then sent by the
    dispatcher (``bot/dispatcher.py``). Records of one ``lane`` (a private chat, one ticket's
    thread in the operator group, ...) go out strictly in id order: a later one never
    overtakes an earlier one that waits for a retry. ``state``: pending → sending → sent |
    failed | unknown | dropped; see ``desk/delivery.py`` for what each failure leads to.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_queue", "state", "lane", "id"),
        Index("ix_outbox_lane", "lane", "id"),
        Index("ix_outbox_coalesce", "coalesce_key", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lane: Mapped[str] = mapped_column(String(48))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    ticket_id: Mapped[int | None] = mapped_column(BigInteger)
    # A Bot API method (sendMessage, copyMessage, ...) or one of the relay's own steps.
    method: Mapped[str] = mapped_column(String(32))
    params: Mapped[str] = mapped_column(Text, default="{}")
    # What it is for: counted per kind, and it sets the order in a busy operator group.
    purpose: Mapped[str] = mapped_column(String(16), default="reply")
    priority: Mapped[int] = mapped_column(Integer, default=1)
    # Cosmetic state (a topic title, a header card) keeps one pending record per key.
    coalesce_key: Mapped[str | None] = mapped_column(String(64))
    # resend (marked as a possible repeat) or report (tell a person, do not resend).
    on_unknown: Mapped[str] = mapped_column(String(8), default="report")
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # JSON: the message ids it produced, and what became of the request.
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(300))
    # Set once the person who must hear about a failure has a record telling them.
    reported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Instance(Base):
    """A running bot process, with a heartbeat: records it claimed are judged by it."""

    __tablename__ = "instances"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    host: Mapped[str] = mapped_column(String(100), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TicketPreview(Base):
    """A ticket listed in a "new tickets" message in the General topic, so an engineer's
    reply to that message can find it."""

    __tablename__ = "ticket_previews"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class Engineer(Base):
    """What an engineer told the desk about themselves (``/me``): the grammatical gender
    messages about them use."""

    __tablename__ = "engineers"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    gender: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

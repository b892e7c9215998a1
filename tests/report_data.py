"""A known month of work for the act: put in a database through the storage layer.

November 2026, desk zone Europe/Moscow. Billable (consultations, work date in November):

=====================  ======  ==========================================  ======
organization           ticket  engineers                                   hours
=====================  ======  ==========================================  ======
АО «Вектор» (partner)  #1001   Ольга Смирнова                              2.00
ООО «Ромашка»          #1002   Ольга Смирнова, Борис Кузнецов              2.75
ООО «Ромашка»          #1004   Борис Кузнецов, Ольга Смирнова              0.83
(no organization)      #1006   Ольга Смирнова (client Анна Белова)         1.67
(no organization)      #1005   Борис Кузнецов (client Пётр Иванов)         0.42
=====================  ======  ==========================================  ======

Not billed: #1003 is an incident (1 h), #1001's hour of 29 October and #1004's half hour
of 1 December fall outside the month. Totals: Вектор 2.00, Ромашка 3.58, no organization
2.09; 7.67 in all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from desk.organizations import OrgKind
from storage import orgs, repo
from storage.models import Ticket, TimeEntry

ZONE = ZoneInfo("Europe/Moscow")
MONTH = "2026-11"
OLGA = (7_000_000_001, "Ольга Смирнова")
BORIS = (7_000_000_002, "Борис Кузнецов")


def msk(day: str, hour: int = 10) -> datetime:
    """A moment in the desk's zone, as stored (UTC)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=ZONE).astimezone(UTC)


async def add_client(
    session: AsyncSession, client_id: int, first: str, last: str, org: str | None = None
) -> None:
    """A client, linked to the organization `org` (made if new) when given."""
    client = await repo.upsert_client(
        session,
        client_id=client_id,
        first_name=first,
        last_name=last,
        username=None,
        language="ru",
        now=msk("2026-09-01"),
    )
    if org is not None:
        found = await orgs.find(session, org)
        if found is None:
            kind = OrgKind.PARTNER if "Вектор" in org else OrgKind.DIRECT
            found = await orgs.create(session, org, now=msk("2026-09-01"), kind=kind)
            if kind is OrgKind.PARTNER:
                found.partner_name = "ООО «Интегратор Плюс»"
        orgs.link(client, found)


async def add_ticket(
    session: AsyncSession,
    client_id: int,
    subject: str,
    *,
    created: datetime,
    closed: datetime | None = None,
    type_: str = "consultation",
) -> Ticket:
    """A ticket as registration stores it, closed at `closed` if given."""
    ticket = await repo.create_ticket(
        session,
        client_id=client_id,
        type_=type_,
        priority="normal",
        status="closed" if closed else "in_progress",
        subject=subject,
        description=subject,
        operator_chat_id=-100,
        now=created,
    )
    ticket.closed_at = closed
    return ticket


async def log_time(
    session: AsyncSession, ticket: Ticket, minutes: int, day: str, engineer: tuple[int, str]
) -> None:
    """A time entry, as ``/time`` would store it (typed the next morning)."""
    session.add(
        TimeEntry(
            ticket_id=ticket.id,
            engineer_id=engineer[0],
            engineer_name=engineer[1],
            minutes=minutes,
            work_date=date.fromisoformat(day),
            comment="",
            created_at=msk(day, 20),
        )
    )
    await session.flush()


async def seed_act(session: AsyncSession) -> None:
    """The month described above."""
    await add_client(session, 5_000_000_001, "Иван", "Петров", "ООО «Ромашка»")
    await add_client(session, 5_000_000_002, "Мария", "Соколова", "АО «Вектор»")
    await add_client(session, 5_000_000_003, "Пётр", "Иванов")
    await add_client(session, 5_000_000_004, "Анна", "Белова")
    training = await add_ticket(
        session,
        5_000_000_002,
        "Обучение работе с отчётами",
        created=msk("2026-10-28"),
        closed=msk("2026-11-12", 16),
    )
    await log_time(session, training, 60, "2026-10-29", OLGA)
    await log_time(session, training, 120, "2026-11-11", OLGA)
    exchange = await add_ticket(
        session,
        5_000_000_001,
        "Настройка обмена с 1С",
        created=msk("2026-11-02"),
        closed=msk("2026-11-06", 17),
    )
    await log_time(session, exchange, 90, "2026-11-02", OLGA)
    await log_time(session, exchange, 45, "2026-11-03", BORIS)
    await log_time(session, exchange, 30, "2026-11-05", OLGA)
    incident = await add_ticket(
        session,
        5_000_000_001,
        "Не открывается карточка",
        created=msk("2026-11-09"),
        type_="incident",
    )
    await log_time(session, incident, 60, "2026-11-10", BORIS)
    rights = await add_ticket(
        session, 5_000_000_001, "Права доступа для бухгалтерии", created=msk("2026-11-20")
    )
    await log_time(session, rights, 20, "2026-11-20", BORIS)
    await log_time(session, rights, 20, "2026-11-24", BORIS)
    await log_time(session, rights, 10, "2026-11-24", OLGA)
    await log_time(session, rights, 30, "2026-12-01", OLGA)
    report = await add_ticket(
        session,
        5_000_000_003,
        "Выгрузка реестра в Excel",
        created=msk("2026-11-16"),
        closed=msk("2026-11-16", 15),
    )
    await log_time(session, report, 25, "2026-11-16", BORIS)
    budget = await add_ticket(
        session,
        5_000_000_004,
        "Настройка бюджетирования",
        created=msk("2026-11-25"),
        closed=msk("2026-11-30", 12),
    )
    await log_time(session, budget, 100, "2026-11-26", OLGA)

"""The knowledge base at the desk: clients' questions answered before a ticket is opened,
searches recorded for the statistics, and the engineers' commands (/article, /kbstats,
/kbreload)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import json
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import yaml
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot import keyboards, render
from bot.context import Desk, Unit
from bot.incoming import Incoming
from bot.service import drafts
from bot.service.lookup import find_ticket, ticket_or_explain
from bot.service.origin import Origin, origin_may
from bot.texts import Raw, t
from desk.messages import carries_question
from desk.roles import Privilege
from desk.text import truncate
from desk.tickets import format_number
from kb.learning import worth_learning
from kb.matcher import Outcome
from kb.smalltalk import Chat
from storage import repo
from storage.models import Client, KbSearch

logger = logging.getLogger(__name__)

# An article longer than this opens at the section that matched, the rest one tap away.
WHOLE_ARTICLE_CHARS = 1200

T = TypeVar("T")


async def search(desk: Desk, text: str, lang: str) -> Outcome:
    """Runs the matcher off the event loop (the semantic stage is CPU work); articles in the
    client's language `lang` first."""
    return await asyncio.to_thread(desk.kb.search, text, 3, lang=lang)


async def record(
    unit: Unit, client: Client, outcome: Outcome, *, message_id: int | None, source: str
) -> int:
    """Stores the search as shown; returns its id for the buttons."""
    results = [
        {"id": r.article.id, "title": r.article.title, "score": r.score, "section": r.section}
        for r in outcome.results
    ]
    kind = outcome.chatter.value if outcome.chatter else ("results" if results else "none")
    row = await repo.record_search(
        unit.session,
        client_id=client.id,
        query=outcome.query[:4000],
        message_id=message_id,
        outcome=kind,
        results=json.dumps(results, ensure_ascii=False),
        source=source,
        now=unit.desk.clock.now(),
    )
    return row.id


def results_message(
    lang: str, outcome: Outcome, search_id: int, confident_score: float
) -> tuple[str, InlineKeyboardMarkup]:
    """The list of suggested articles and their buttons: presented as the answer when the
    best scores at least `confident_score`, else as "may help" (both are shown); each with
    the first sentence of the section that matched."""
    confident = outcome.results[0].score >= confident_score
    lines = [t(lang, "kb.found" if confident else "kb.maybe")]
    buttons = []
    for n, result in enumerate(outcome.results, start=1):
        article = result.article
        foreign = article.lang != lang  # shown only because none in the client's fits
        note = " " + t(lang, f"kb.article_in_{article.lang}") if foreign else ""
        lines.append(
            t(
                lang,
                "kb.result_line",
                n=n,
                title=article.title,
                language_note=Raw(note),
                snippet=article.snippet(section=result.section),
            )
        )
        mark = f" ({article.lang.upper()})" if foreign else ""
        label = truncate(f"{n}. {article.title}", 60 - len(mark)) + mark
        buttons.append([InlineKeyboardButton(label, callback_data=cb.kb_open(search_id, n - 1))])
    buttons.append(
        [InlineKeyboardButton(t(lang, "kb.open_ticket"), callback_data=cb.kb_ticket(search_id))]
    )
    return "\n\n".join(lines), InlineKeyboardMarkup(buttons)


# --- clients ------------------------------------------------------------------------------


async def answer_question(
    desk: Desk,
    client: Client,
    *,
    message_id: int,
    text: str,
    message: Incoming,
    attachment: bool,
) -> None:
    """A client's message with no ticket to go to (`text` its text or caption, `message`
    what it carries): chatter is answered in kind, a question gets articles, and a question
    the knowledge base cannot answer, or an attachment, starts a ticket with it."""
    lang = client.language
    if not attachment and not carries_question(message.kind, text):
        # A sticker, a dice, a poll, only emoji or invisible characters: nothing to search
        # for or to register; the menu and a hint instead.
        async with desk.unit() as unit:
            await unit.out.message(
                client.id,
                t(lang, "kb.no_words"),
                markup=keyboards.main_menu(lang),
                reply_to=message_id,
            )
        return
    if not text.strip() or attachment:
        # Attachments go straight into a ticket: the knowledge base cannot read them.
        async with desk.unit() as unit:
            await drafts.begin(
                unit, client, prefill=(message_id, message), intro=t(lang, "reg.no_open_ticket")
            )
        return
    outcome = await search(desk, text, lang)
    async with desk.unit() as unit:
        search_id = await record(unit, client, outcome, message_id=message_id, source="chat")
        if outcome.chatter is not None:
            key = {
                Chat.GREETING: "kb.greeting",
                Chat.THANKS: "kb.thanks",
                Chat.FAREWELL: "kb.farewell",
                Chat.CHATTER: "kb.chatter",
            }[outcome.chatter]
            markup = (
                keyboards.main_menu(lang)
                if outcome.chatter in (Chat.GREETING, Chat.CHATTER)
                else None
            )
            await unit.out.message(client.id, t(lang, key), markup=markup, reply_to=message_id)
            return
        if outcome.results:
            body, markup = results_message(lang, outcome, search_id, desk.kb.matcher.confident)
            await unit.out.message(client.id, body, markup=markup, reply_to=message_id)
            return
        await drafts.begin(
            unit,
            client,
            prefill=(message_id, message),
            intro=t(lang, "kb.not_found_register"),
            kb_search_id=search_id,
        )


async def search_command(desk: Desk, client: Client, *, message_id: int, query: str) -> None:
    """/kb words: searches the knowledge base directly, even with an open ticket."""
    if not query:
        async with desk.unit() as unit:
            await unit.out.message(client.id, t(client.language, "kb.usage"))
        return
    outcome = await search(desk, query, client.language)
    async with desk.unit() as unit:
        search_id = await record(unit, client, outcome, message_id=message_id, source="command")
        if outcome.results:
            body, markup = results_message(
                client.language, outcome, search_id, desk.kb.matcher.confident
            )
            await unit.out.message(client.id, body, markup=markup, reply_to=message_id)
        else:
            await unit.out.message(client.id, t(client.language, "kb.nothing"))


async def invite_question(desk: Desk, client: Client) -> None:
    """The menu's "Ask a question": invites a question."""
    async with desk.unit() as unit:
        await unit.out.message(client.id, t(client.language, "kb.ask_prompt"))


async def search_button(
    desk: Desk, client: Client, pressed: Origin, *, search_id: int, action: str, index: int
) -> bool:
    """A button under a search's results or an article (`pressed` is its message): ``o``
    opens an article (at the section that matched), ``w`` the whole of it, ``y`` it helped
    (the question becomes the article's alias), ``n`` it did not (a ticket starts with the
    question), ``t`` opens a ticket. False when the search is not this client's."""
    lang = client.language
    learnt = False
    async with desk.unit() as unit:
        row = await repo.get_search(unit.session, search_id=search_id)
        # The search must be this client's own: the ids in the buttons can be forged.
        if row is None or row.client_id != client.id:
            return False
        results = json.loads(row.results)
        if action in ("o", "y", "n", "w") and not 0 <= index < len(results):
            return True
        if action in ("o", "w"):
            shown = results[index]
            section = int(shown.get("section", 0)) if action == "o" else 0
            await _open_article(unit, client, row, index, shown["id"], section)
        elif action == "y":
            was = row.helped
            row.helped = True
            row.opened_article = row.opened_article or results[index]["id"]
            await unit.out.drop_buttons(pressed.chat_id, pressed.message_id)
            await unit.out.message(client.id, t(lang, "kb.glad"))
            if not was:
                shown = [r["id"] for r in results]
                learnt = await _learn(unit, client, row, shown, results[index]["id"])
        elif action in ("n", "t"):
            row.helped = False if action == "n" else row.helped
            await unit.out.drop_buttons(pressed.chat_id, pressed.message_id)
            await drafts.begin(
                unit,
                client,
                prefill_item=(row.message_id, row.query) if row.message_id else None,
                intro=t(lang, "kb.from_search_register"),
                kb_search_id=search_id,
            )
    if learnt:
        logger.info(
            "knowledge base: a client's words learnt for an article (search %d)", search_id
        )
    return True


async def _learn(
    unit: Unit, client: Client, search: KbSearch, shown: list[str], article_id: str
) -> bool:
    """A client's "This helped": their question becomes an alias of the article when it was
    not already first (``kb.learning``), so the next client who words it so finds it first
    (once the periodic job rebuilds the matcher)."""
    question = " ".join(search.query.split())[:300]
    if not worth_learning(question, shown, article_id) or unit.desk.kb.article(article_id) is None:
        return False
    return await repo.add_alias(
        unit.session,
        article_id=article_id,
        text=question,
        ticket_id=None,
        created_by=client.id,
        now=unit.desk.clock.now(),
    )


async def _open_article(
    unit: Unit, client: Client, search: KbSearch, index: int, article_id: str, section: int
) -> None:
    """Shows an article within Telegram's limits, with the feedback buttons under it: a long
    one from the `section` that matched, with a button for the whole."""
    desk = unit.desk
    lang = client.language
    article = desk.kb.article(article_id)
    if article is None:
        await unit.out.message(client.id, t(lang, "kb.article_gone"))
        return
    search.opened_article = article_id
    rows = []
    matched = article.sections[section] if 0 < section < len(article.sections) else None
    if matched is not None and len(article.body) > WHOLE_ARTICLE_CHARS:
        body = f"**{matched.heading}**\n\n{matched.text}"
        parts = render.article_parts(article.title, body)
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "kb.whole"), callback_data=cb.kb_whole(search.id, index)
                )
            ]
        )
    else:
        parts = render.article_parts(article.title, article.body)
    rows.append(
        [InlineKeyboardButton(t(lang, "kb.helped"), callback_data=cb.kb_helped(search.id, index))]
    )
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "kb.not_helped"), callback_data=cb.kb_not_helped(search.id, index)
            )
        ]
    )
    markup = InlineKeyboardMarkup(rows)
    for n, text in enumerate(parts):
        last = n == len(parts) - 1
        await unit.out.message(client.id, text, markup=markup if last else None)


# --- engineers ----------------------------------------------------------------------------


async def link_article(desk: Desk, origin: Origin, arg: str) -> None:
    """/article <id>: links the ticket to an article; the client's question becomes an alias.
    /article new: drafts a new article from the ticket for an admin to review."""
    lang = desk.op_lang
    rebuild = False
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        if not arg:
            await unit.out.answer_to(origin, t(lang, "op.article_usage"), ticket_id=ticket.id)
            return
        rows = list(await repo.history(unit.session, ticket_id=ticket.id))
        question = next(
            (r.text for r in rows if r.direction == "in" and r.text.strip()), ticket.description
        )
        question = " ".join(question.split())[:300]
        if arg == "new":
            answers = [r.text for r in rows if r.direction == "out" and r.text.strip()]
            if not answers:
                await unit.out.answer_to(
                    origin, t(lang, "op.article_nothing"), ticket_id=ticket.id
                )
                return
            client = await repo.get_client(unit.session, client_id=ticket.client_id)
            assert client is not None
            path = write_draft(
                desk.settings.kb_drafts_dir,
                ticket.number,
                ticket.subject or question,
                client.language,
                question,
                answers,
            )
            await unit.out.answer_to(
                origin,
                t(lang, "op.article_drafted", number=format_number(ticket.number), path=str(path)),
                ticket_id=ticket.id,
            )
            await unit.out.send(
                origin.chat_id,
                "sendDocument",
                {
                    "message_thread_id": origin.thread_id,
                    "reply_parameters": {
                        "message_id": origin.message_id,
                        "allow_sending_without_reply": True,
                    },
                    "_upload": {"field": "document", "path": str(path), "filename": path.name},
                },
                lane=f"q:{ticket.id}",
                purpose="answer",
            )
            return
        article = desk.kb.article(arg)
        if article is None:
            await unit.out.answer_to(
                origin, t(lang, "op.article_not_found", id=arg), ticket_id=ticket.id
            )
            return
        added = await repo.add_alias(
            unit.session,
            article_id=article.id,
            text=question,
            ticket_id=ticket.id,
            created_by=origin.user_id,
            now=desk.clock.now(),
        )
        if added:
            rebuild = True
            text = t(
                lang,
                "op.article_linked",
                number=format_number(ticket.number),
                title=article.title,
                alias=question,
            )
        else:
            text = t(
                lang, "op.article_known", number=format_number(ticket.number), title=article.title
            )
        await unit.out.answer_to(origin, text, ticket_id=ticket.id)
    if rebuild:
        await refresh(desk, force=True)


def write_draft(
    folder: Path, number: int, title: str, lang: str, question: str, answers: list[str]
) -> Path:
    """A Markdown article drafted from a ticket, in the knowledge base's own format."""
    folder.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(
        {
            "id": f"ticket-{number}",
            "title": title.strip()[:120],
            "lang": lang,
            "tags": [],
            "questions": [question],
        },
        allow_unicode=True,
        sort_keys=False,
    )
    body = "\n\n".join(a.strip() for a in answers)
    path = folder / f"ticket-{number}.md"
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return path


async def post_stats(desk: Desk, origin: Origin, *, days: int = 30) -> None:
    """/kbstats: what the knowledge base did over the last `days`, as an answer."""
    text = await stats_text(desk, days=days)
    async with desk.unit() as unit:
        await unit.out.answer_to(origin, text)


async def stats_text(desk: Desk, *, days: int) -> str:
    """The statistics as a message for the operator group."""
    lang = desk.op_lang
    async with desk.tx() as session:
        stats = await repo.kb_stats(session, since=desk.clock.now() - timedelta(days=days))
    titles = {a.id: a.title for a in desk.kb.articles}
    top = "\n".join(f"{n} × {titles.get(aid, aid)}" for aid, n in stats["top_articles"])  # type: ignore[attr-defined]
    unanswered = "\n".join(f"{n} × {truncate(q, 80)}" for q, n in stats["unanswered"])  # type: ignore[attr-defined]
    empty = t(lang, "op.kbstats_empty")
    return t(
        lang,
        "op.kbstats",
        days=days,
        searches=stats["searches"],
        with_results=stats["with_results"],
        deflected=stats["deflected"],
        share=round(float(stats["deflected_share"]) * 100),  # type: ignore[arg-type]
        helped=stats["helped"],
        not_helped=stats["not_helped"],
        tickets=stats["tickets_after_search"],
        top=top or empty,
        unanswered=unanswered or empty,
    )


async def reload(desk: Desk, origin: Origin) -> None:
    """/kbreload (admins): re-reads the articles now and says how many there are."""
    if origin.user_id is None:
        return
    if not origin_may(desk, origin, Privilege.RELOAD_KB):
        async with desk.unit() as unit:
            await unit.out.answer_to(origin, t(desk.op_lang, "admin_only"))
        return
    await refresh(desk, force=True)
    async with desk.unit() as unit:
        await unit.out.answer_to(
            origin,
            t(
                desk.op_lang,
                "op.kb_reloaded",
                count=len(desk.kb.articles),
                skipped=len(desk.kb.problems),
            ),
        )


# --- the articles themselves --------------------------------------------------------------


async def refresh(desk: Desk, *, force: bool = False) -> bool:
    """Rebuilds the knowledge base when its files or its aliases changed (or when forced).

    Aliases learnt from clients' "This helped" are picked up here, by the periodic job,
    rather than by a rebuild per press: a large base takes seconds to rebuild."""
    async with desk.tx() as session:
        stamp = await repo.alias_stamp(session)
        if not force and not desk.kb.files_changed() and stamp == desk.kb.alias_stamp:
            return False
        aliases = await repo.all_aliases(session)
    await _in_own_thread(lambda: desk.kb.rebuild(aliases, stamp=stamp))
    return True


async def load_semantic(desk: Desk) -> None:
    """Loads the embedding model in the background, then rebuilds with the semantic stage."""
    if await _in_own_thread(desk.kb.load_semantic):
        await refresh(desk, force=True)


async def _in_own_thread(work: Callable[[], T]) -> T:
    """``work()`` in a daemon thread of its own: loading the model or embedding the articles
    takes seconds (far more on a busy machine), and a stop must not wait for it.

    Not ``asyncio.to_thread``: ``asyncio.run`` joins the default executor's threads on the way
    out, and every ``ThreadPoolExecutor``'s threads are joined at interpreter exit, so a stop
    during start-up would wait for a model nobody needs any more. Left unfinished, the work
    loses nothing: the knowledge base is rebuilt at the next start, and the embedding cache
    is written to a temporary file and then renamed."""
    outcome: concurrent.futures.Future[T] = concurrent.futures.Future()
    context = contextvars.copy_context()

    def run() -> None:
        if not outcome.set_running_or_notify_cancel():
            return
        try:
            outcome.set_result(context.run(work))
        except BaseException as exc:
            outcome.set_exception(exc)

    threading.Thread(target=run, name="knowledge-base", daemon=True).start()
    return await asyncio.wrap_future(outcome)

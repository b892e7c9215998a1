"""The knowledge base in the chat: answer quick questions before a ticket is opened."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update

from bot import relay, render
from bot.context import Desk, DeskContext
from bot.handlers import registration
from bot.handlers.common import answer, client_press, drop_buttons, touch_client
from bot.handlers.operator import _ticket_or_explain
from bot.texts import t
from desk.text import truncate
from desk.tickets import format_number
from kb.matcher import Outcome
from kb.smalltalk import Chat
from storage import repo
from storage.models import Client

logger = logging.getLogger(__name__)

# Above this, results are presented as the answer; between the threshold and this, as
# "may help". A wording choice only: both are shown.
CONFIDENT_MARGIN = 15.0


async def search(desk: Desk, text: str) -> Outcome:
    """Runs the matcher off the event loop (the semantic stage is CPU work)."""
    return await asyncio.to_thread(desk.kb.search, text, 3)


async def record(
    desk: Desk, client: Client, outcome: Outcome, *, message_id: int | None, source: str
) -> int:
    """Stores the search as shown; returns its id for the buttons."""
    results = [
        {"id": r.article.id, "title": r.article.title, "score": r.score} for r in outcome.results
    ]
    kind = outcome.chatter.value if outcome.chatter else ("results" if results else "none")
    async with desk.tx() as session:
        row = await repo.record_search(
            session,
            client_id=client.id,
            query=outcome.query[:4000],
            message_id=message_id,
            outcome=kind,
            results=json.dumps(results, ensure_ascii=False),
            source=source,
            now=desk.clock.now(),
        )
    return row.id


def results_message(
    lang: str, outcome: Outcome, search_id: int, threshold: float
) -> tuple[str, InlineKeyboardMarkup]:
    """The list of suggested articles and their buttons."""
    confident = outcome.results[0].score >= threshold + CONFIDENT_MARGIN
    lines = [t(lang, "kb.found" if confident else "kb.maybe")]
    buttons = []
    for n, result in enumerate(outcome.results, start=1):
        lines.append(
            t(
                lang,
                "kb.result_line",
                n=n,
                title=result.article.title,
                snippet=result.article.snippet(),
            )
        )
        label = truncate(f"{n}. {result.article.title}", 60)
        buttons.append([InlineKeyboardButton(label, callback_data=f"k:o:{search_id}:{n - 1}")])
    buttons.append(
        [InlineKeyboardButton(t(lang, "kb.open_ticket"), callback_data=f"k:t:{search_id}")]
    )
    return "\n\n".join(lines), InlineKeyboardMarkup(buttons)


async def answer_question(
    update: Update, context: DeskContext, client: Client, message: Message
) -> None:
    """A client's message with no ticket to go to: chatter is answered in kind, a question
    gets articles, and a question the knowledge base cannot answer starts a ticket."""
    desk = context.desk
    lang = client.language
    text = message.text or message.caption or ""
    if not text.strip() or message.photo or message.document or message.video or message.voice:
        # Attachments go straight into a ticket: the knowledge base cannot read them.
        await registration.start_registration(
            update, context, prefill=message, intro=t(lang, "reg.no_open_ticket")
        )
        return
    outcome = await search(desk, text)
    search_id = await record(desk, client, outcome, message_id=message.message_id, source="chat")
    if outcome.chatter is not None:
        key = {
            Chat.GREETING: "kb.greeting",
            Chat.THANKS: "kb.thanks",
            Chat.FAREWELL: "kb.farewell",
            Chat.CHATTER: "kb.chatter",
        }[outcome.chatter]
        from bot import keyboards

        markup = (
            keyboards.main_menu(lang) if outcome.chatter in (Chat.GREETING, Chat.CHATTER) else None
        )
        await message.reply_text(t(lang, key), reply_markup=markup)
        return
    if outcome.results:
        body, markup = results_message(lang, outcome, search_id, desk.kb.matcher.threshold)
        await message.reply_text(body, reply_markup=markup)
        return
    await registration.start_registration(
        update,
        context,
        prefill=message,
        intro=t(lang, "kb.not_found_register"),
        kb_search_id=search_id,
    )


async def kb_command(update: Update, context: DeskContext) -> None:
    """/kb words: searches the knowledge base directly, even with an open ticket."""
    desk = context.desk
    client = await touch_client(update, desk)
    message = update.effective_message
    assert message is not None
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(t(client.language, "kb.usage"))
        return
    outcome = await search(desk, query)
    search_id = await record(
        desk, client, outcome, message_id=message.message_id, source="command"
    )
    if outcome.results:
        body, markup = results_message(
            client.language, outcome, search_id, desk.kb.matcher.threshold
        )
        await message.reply_text(body, reply_markup=markup)
    else:
        await message.reply_text(t(client.language, "kb.nothing"))


async def ask_prompt(update: Update, context: DeskContext) -> None:
    """The menu's "Ask a question": invites a question."""
    client = await touch_client(update, context.desk)
    await context.bot.send_message(client.id, t(client.language, "kb.ask_prompt"))


async def buttons(update: Update, context: DeskContext) -> None:
    """``k:`` buttons: open an article, helped / not helped, open a ticket."""
    desk = context.desk
    press = await client_press(update, desk)
    if press is None:
        return
    query, client, action = press.query, press.client, press.action
    lang = client.language
    search_id = press.numbers[0]
    index = press.numbers[1] if len(press.numbers) > 1 else -1
    async with desk.tx() as session:
        row = await repo.get_search(session, search_id=search_id)
        # The search must be this client's own: the ids in the buttons can be forged.
        if row is None or row.client_id != client.id:
            row = None
        results = json.loads(row.results) if row is not None else []
    if row is None:
        await answer(query, t(lang, "tickets.not_found"), alert=True)
        return
    if action in ("o", "y", "n") and not 0 <= index < len(results):
        await answer(query)
        return
    if action == "o":
        await _open_article(context, client, search_id, index, results[index]["id"])
        await answer(query)
    elif action == "y":
        async with desk.tx() as session:
            fresh = await repo.get_search(session, search_id=search_id)
            assert fresh is not None
            fresh.helped = True
            fresh.opened_article = fresh.opened_article or results[index]["id"]
        await answer(query)
        await drop_buttons(query)
        await context.bot.send_message(client.id, t(lang, "kb.glad"))
    elif action in ("n", "t"):
        async with desk.tx() as session:
            fresh = await repo.get_search(session, search_id=search_id)
            assert fresh is not None
            fresh.helped = False if action == "n" else fresh.helped
            message_id = fresh.message_id
            question = fresh.query
        await answer(query)
        await drop_buttons(query)
        await registration.start_registration(
            update,
            context,
            prefill_item=(message_id, question) if message_id else None,
            intro=t(lang, "kb.from_search_register"),
            kb_search_id=search_id,
        )
    else:
        await answer(query)


async def _open_article(
    context: DeskContext, client: Client, search_id: int, index: int, article_id: str
) -> None:
    """Shows an article within Telegram's limits, with the feedback buttons under it."""
    desk = context.desk
    lang = client.language
    article = desk.kb.article(article_id)
    if article is None:
        await context.bot.send_message(client.id, t(lang, "kb.article_gone"))
        return
    async with desk.tx() as session:
        row = await repo.get_search(session, search_id=search_id)
        assert row is not None
        row.opened_article = article_id
    parts = render.article_parts(article.title, article.body)
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, "kb.helped"), callback_data=f"k:y:{search_id}:{index}")],
            [
                InlineKeyboardButton(
                    t(lang, "kb.not_helped"), callback_data=f"k:n:{search_id}:{index}"
                )
            ],
        ]
    )
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        await context.bot.send_message(
            client.id,
            part,
            reply_markup=markup if last else None,
            link_preview_options=None,
        )


# --- in the operator group ---------------------------------------------------------------


async def link_article(update: Update, context: DeskContext) -> None:
    """/article <id>: links the ticket to an article; the client's question becomes an alias.
    /article new: drafts a new article from the ticket for an admin to review."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    lang = desk.op_lang
    ticket = await _ticket_or_explain(update, context)
    if ticket is None:
        return
    arg = " ".join(context.args or []).strip()
    if not arg:
        await message.reply_text(t(lang, "op.article_usage"))
        return
    async with desk.tx() as session:
        rows = list(await repo.history(session, ticket_id=ticket.id))
    question = next(
        (r.text for r in rows if r.direction == "in" and r.text.strip()), ticket.description
    )
    question = " ".join(question.split())[:300]
    if arg == "new":
        answers = [r.text for r in rows if r.direction == "out" and r.text.strip()]
        if not answers:
            await message.reply_text(t(lang, "op.article_nothing"))
            return
        client = await relay.client_of(desk, ticket)
        path = write_draft(
            desk.settings.kb_drafts_dir,
            ticket.number,
            ticket.subject or question,
            client.language,
            question,
            answers,
        )
        await message.reply_text(
            t(lang, "op.article_drafted", number=format_number(ticket.number), path=str(path))
        )
        with path.open("rb") as handle:
            await message.reply_document(InputFile(handle, filename=path.name))
        return
    article = desk.kb.article(arg)
    if article is None:
        await message.reply_text(t(lang, "op.article_not_found", id=arg))
        return
    async with desk.tx() as session:
        added = await repo.add_alias(
            session,
            article_id=article.id,
            text=question,
            ticket_id=ticket.id,
            created_by=message.from_user.id if message.from_user else None,
            now=desk.clock.now(),
        )
        aliases = await repo.all_aliases(session)
    if added:
        await asyncio.to_thread(desk.kb.rebuild, aliases)
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
    await message.reply_text(text)


def write_draft(
    folder: Path, number: int, title: str, lang: str, question: str, answers: list[str]
) -> Path:
    """A Markdown article drafted from a ticket, in the knowledge base's own format."""
    import yaml

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


async def kb_stats(update: Update, context: DeskContext) -> None:
    """/kbstats: what the knowledge base did over the last 30 days."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    await message.reply_text(await stats_text(desk, days=30))


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


async def reload_kb(update: Update, context: DeskContext) -> None:
    """/kbreload (admins): re-reads the articles now."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    user = message.from_user
    if user is None or user.id not in desk.settings.admin_ids:
        await message.reply_text(t(desk.op_lang, "admin_only"))
        return
    await refresh(desk, force=True)
    await message.reply_text(
        t(
            desk.op_lang,
            "op.kb_reloaded",
            count=len(desk.kb.articles),
            skipped=len(desk.kb.problems),
        )
    )


async def refresh(desk: Desk, *, force: bool = False) -> bool:
    """Rebuilds the knowledge base when its files changed (or when forced)."""
    if not force and not desk.kb.files_changed():
        return False
    async with desk.tx() as session:
        aliases = await repo.all_aliases(session)
    await asyncio.to_thread(desk.kb.rebuild, aliases)
    return True


async def watch_files(context: DeskContext) -> None:
    """Job: re-reads the knowledge base when an article file changes."""
    if await refresh(context.desk):
        logger.info("knowledge base files changed: reloaded")


async def load_semantic(desk: Desk) -> None:
    """Loads the embedding model in the background, then rebuilds with the semantic stage."""
    if await asyncio.to_thread(desk.kb.load_semantic):
        await refresh(desk, force=True)

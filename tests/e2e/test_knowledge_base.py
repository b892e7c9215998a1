"""The knowledge base answers first: a client's question gets articles before a ticket."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from emulator import BotApiEmulator, buttons, text_of
from kb.articles import DEFAULT_KB_DIR
from tests.e2e.conftest import Desk, running_desk


async def ask(desk: Desk, client: int, question: str) -> dict[str, Any]:
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, question)
    return await desk.bot_says(client, "📚", after=mark)


async def test_a_question_gets_articles_and_helped_closes_the_loop(desk: Desk) -> None:
    client = desk.client()
    found = await ask(desk, client, "не приходят уведомления на почту")
    assert "Не приходят уведомления на почту" in text_of(found)
    labels = buttons(found)
    assert labels[-1] == "📝 Нет ответа — открыть заявку"
    assert 2 <= len(labels) <= 4
    await desk.press(client, found, labels[0])
    article = await desk.bot_says(client, "📄", after=found["message_id"])
    last = desk.emu.messages(client, from_bot=True)[-1]
    await desk.emu.wait_for(
        lambda: "👍 Помогло" in buttons(desk.emu.messages(client, from_bot=True)[-1])
    )
    last = desk.emu.messages(client, from_bot=True)[-1]
    assert all(len(text_of(m)) <= 4096 for m in desk.emu.messages(client, from_bot=True))
    assert article
    await desk.press(client, last, "👍 Помогло")
    await desk.bot_says(client, "Рад, что помогло", after=last["message_id"])
    assert desk.emu.topics(desk.group) == {}  # no ticket was needed

    desk.emu.send_command(desk.group, desk.engineers[0], "/kbstats")
    stats = await desk.bot_says(desk.group, "База знаний за 30")
    assert "Поисков: 1" in text_of(stats)
    assert "Решено без заявки: 1 (100%)" in text_of(stats)
    assert "1 × Не приходят уведомления на почту" in text_of(stats)


async def test_not_helped_opens_a_ticket_with_the_question(desk: Desk) -> None:
    client = desk.client()
    found = await ask(desk, client, "не приходят уведомления на почту после обновления")
    await desk.press(client, found, buttons(found)[0])
    await desk.emu.wait_for(
        lambda: (
            "📝 Не помогло — открыть заявку"
            in buttons(desk.emu.messages(client, from_bot=True)[-1])
        )
    )
    last = desk.emu.messages(client, from_bot=True)[-1]
    await desk.press(client, last, "📝 Не помогло — открыть заявку")
    step1 = await desk.bot_says(client, "ваш вопрос уже в описании", after=last["message_id"])
    await desk.press(client, step1, "Инцидент")
    step2 = await desk.bot_says(client, "Шаг 2 из 3", after=step1["message_id"])
    await desk.press(client, step2, "🔵 Обычный")
    step3 = await desk.bot_says(client, "Ваше сообщение уже в описании", after=step2["message_id"])
    await desk.press(client, step3, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку", after=step3["message_id"])
    assert "после обновления" in text_of(summary)
    await desk.press(client, summary, "✅ Отправить")
    await desk.bot_says(client, "зарегистрирована", after=summary["message_id"] - 1)
    await desk.emu.wait_for(
        lambda: any("после обновления" in text_of(m) for m in desk.thread_messages(1001))
    )
    desk.emu.send_command(desk.group, desk.engineers[0], "/kbstats")
    stats = await desk.bot_says(desk.group, "База знаний за 30")
    assert "«Не помогло»: 1" in text_of(stats) and "заявок после поиска: 1" in text_of(stats)
    assert "не приходят уведомления на почту после обновления" in text_of(stats)


async def test_chatter_is_answered_in_kind_without_articles(desk: Desk) -> None:
    client = desk.client()
    for text, reply in (
        ("привет", "Здравствуйте! Напишите"),
        ("спасибо!", "Пожалуйста"),
        ("ghbdtn", "Здравствуйте! Напишите"),
    ):
        mark = desk.last_id(client)
        desk.emu.send_text(client, client, text)
        answer = await desk.bot_says(client, reply, after=mark)
        assert "📚" not in text_of(answer)
    assert not any("📚" in text_of(m) for m in desk.emu.messages(client))
    assert not any("Шаг 1 из 3" in text_of(m) for m in desk.emu.messages(client))


async def test_kb_command_searches_even_with_an_open_ticket(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client, description="Сервер приложений не стартует")
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/kb как восстановить пароль")
    found = await desk.bot_says(client, "📚", after=mark)
    assert "пароль" in text_of(found).lower()
    assert not any("/kb" in text_of(m) for m in desk.thread_messages(number))
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/kb")
    await desk.bot_says(client, "Напишите после /kb", after=mark)


async def test_menu_ask_a_question(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/start")
    menu = await desk.bot_says(client, "Здравствуйте")
    await desk.press(client, menu, "🔎 Задать вопрос")
    await desk.bot_says(client, "поищу ответ в базе знаний")


async def test_another_clients_search_buttons_are_refused(desk: Desk) -> None:
    owner = desk.client("Ирина", username="irina")
    intruder = desk.client("Пётр", username="petr")
    await ask(desk, owner, "как настроить резервное копирование")
    desk.emu.send_command(intruder, intruder, "/start")
    await desk.bot_says(intruder, "Здравствуйте")
    for data in ("k:o:1:0", "k:n:1:0", "k:t:1"):
        desk.forge_press(intruder, data)
    await desk.emu.wait_for(
        lambda: (
            sum(
                "не найдена" in (c.get("text") or "")
                for c in desk.emu.calls_of("answerCallbackQuery")
            )
            == 3
        )
    )
    assert not any("📄" in text_of(m) for m in desk.emu.messages(intruder))


async def test_article_command_teaches_the_clients_words(desk: Desk) -> None:
    wording = "у бухгалтерии карточка договора грузится по пять минут zqx"
    first = desk.client("Анна", username="anna")
    mark = desk.last_id(first)
    desk.emu.send_text(first, first, wording)
    reply = await desk.bot_says(first, "", after=mark)
    if "📚" in text_of(reply):  # the knowledge base offered something: open a ticket instead
        await desk.press(first, reply, "📝 Нет ответа — открыть заявку")
    step1 = await desk.bot_says(first, "Шаг 1 из 3", after=mark)
    await desk.press(first, step1, "Инцидент")
    step2 = await desk.bot_says(first, "Шаг 2 из 3", after=step1["message_id"])
    await desk.press(first, step2, "🔵 Обычный")
    step3 = await desk.bot_says(first, "Шаг 3 из 3", after=step2["message_id"])
    await desk.press(first, step3, "✅ Готово")
    summary = await desk.bot_says(first, "Проверьте заявку", after=step3["message_id"])
    await desk.press(first, summary, "✅ Отправить")
    await desk.emu.wait_for(lambda: desk.topic(1001) is not None and desk.find_header(1001))

    desk.engineer_command(desk.engineers[0], 1001, "/article slow-performance")
    linked = await desk.bot_says(desk.group, "связана со статьёй", thread_id=desk.topic(1001))
    assert wording in text_of(linked)
    desk.engineer_command(desk.engineers[0], 1001, "/article no-such-article")
    await desk.bot_says(desk.group, "Нет статьи «no-such-article»", thread_id=desk.topic(1001))

    second = desk.client("Борис", username="boris")
    found = await ask(desk, second, wording)
    assert buttons(found)[0].startswith("1. Система работает медленно")


async def test_article_new_drafts_a_markdown_file(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client, description="Как выгрузить реестр договоров в Excel?")
    desk.engineer_says(desk.engineers[0], number, "Откройте список, меню «Экспорт» → Excel.")
    await desk.bot_says(client, "меню «Экспорт»")
    desk.engineer_command(desk.engineers[0], number, "/article new")
    notice = await desk.bot_says(desk.group, "Черновик статьи", thread_id=desk.topic(number))
    path = Path(text_of(notice).split(" в ")[1].split(". ")[0])
    draft = await asyncio.to_thread(path.read_text, encoding="utf-8")
    assert draft.startswith("---\nid: ticket-1001\n")
    assert "Как выгрузить реестр договоров в Excel?" in draft
    assert "меню «Экспорт» → Excel" in draft
    document = await desk.emu.wait_for(
        lambda: next((m for m in desk.thread_messages(number) if "document" in m), None)
    )
    assert document["document"]["file_name"] == "ticket-1001.md"


@pytest.fixture
async def small_kb_desk(
    emu: BotApiEmulator, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Desk, Path]]:
    """A desk on its own copy of a few articles, watched for changes twice a second."""
    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    for name in ("macos-client.md", "backup-restore.md"):
        shutil.copy(DEFAULT_KB_DIR / name, kb_dir / name)
    (kb_dir / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    async with running_desk(emu, database_url, kb_dir=kb_dir, kb_reload_interval=0.3) as desk:
        yield desk, kb_dir


async def test_new_article_files_are_picked_up_without_a_restart(
    small_kb_desk: tuple[Desk, Path],
) -> None:
    desk, kb_dir = small_kb_desk
    client = desk.client()
    # The broken file is skipped; the good ones work.
    found: dict[str, Any] | None = await ask(desk, client, "как работать на макбуке")
    assert "Mac OS" in text_of(found)
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "как настроить маршрут согласования договора")
    await desk.bot_says(client, "Шаг 1 из 3", after=mark)
    desk.emu.send_command(client, client, "/cancel")
    await desk.bot_says(client, "отменено")

    (kb_dir / "approval-routes.md").write_text(
        "---\nid: approval-routes\ntitle: Настройка маршрутов согласования\nlang: ru\n"
        "tags: [согласование, маршрут]\n---\nОткройте «Администрирование → Маршруты».\n",
        encoding="utf-8",
    )
    found = None
    for _ in range(20):
        mark = desk.last_id(client)
        desk.emu.send_text(client, client, "как настроить маршрут согласования договора")
        reply = await desk.bot_says(client, "", after=mark)
        if "Настройка маршрутов согласования" in text_of(reply):
            found = reply
            break
        desk.emu.send_command(client, client, "/cancel")
        await desk.bot_says(client, "отменено", after=mark)
    assert found is not None


async def test_admins_reload_on_command(small_kb_desk: tuple[Desk, Path]) -> None:
    desk, _ = small_kb_desk
    engineer = desk.engineers[0]
    desk.emu.send_command(desk.group, engineer, "/kbreload")
    await desk.bot_says(desk.group, "только для администраторов")


async def test_an_english_client_gets_english_articles_and_a_russian_one_only_marked(
    desk: Desk,
) -> None:
    client = desk.client("John", last_name="Carter", username="jc", language_code="en")
    found = await ask(desk, client, "I forgot my password")
    assert "Password" in text_of(found) or "password" in text_of(found)
    assert "(article in Russian)" not in text_of(found)
    assert all("(RU)" not in b for b in buttons(found))

    other = await ask(desk, client, "email notifications stopped arriving")
    first = buttons(other)[0]
    assert first.endswith("(RU)") and "уведомления" in first  # the right one, marked
    assert "Не приходят уведомления на почту (article in Russian)" in text_of(other)


async def test_a_long_article_opens_at_the_part_that_matched(desk: Desk) -> None:
    client = desk.client()
    found = await ask(
        desk, client, "не приходит письмо для восстановления пароля на сайт поддержки"
    )
    # The result's snippet is the matched section's first sentence, not the article's start.
    assert "Проверьте «Спам»" in text_of(found)
    await desk.press(client, found, buttons(found)[0])
    part = await desk.bot_says(client, "📄", after=found["message_id"])
    assert "Письмо не приходит" in text_of(part)
    assert "Задайте новый пароль" not in text_of(part)  # the other section is not sent
    assert buttons(part)[0] == "📖 Вся статья" and "👍 Помогло" in buttons(part)
    await desk.press(client, part, "📖 Вся статья")
    whole = await desk.bot_says(client, "📄", after=part["message_id"])
    assert "Восстановление" in text_of(whole) and "Письмо не приходит" in text_of(whole)
    assert "📖 Вся статья" not in buttons(whole) and "👍 Помогло" in buttons(whole)


@pytest.fixture
async def watched_desk(emu: BotApiEmulator, database_url: str) -> AsyncIterator[Desk]:
    """A desk whose knowledge base is checked for changes (files, aliases) twice a second."""
    async with running_desk(emu, database_url, kb_reload_interval=0.5) as desk:
        yield desk


async def test_this_helped_teaches_the_matcher_the_clients_words(watched_desk: Desk) -> None:
    desk = watched_desk
    wording = "после обеда всё виснет у бухгалтерии"
    first = desk.client("Анна", username="anna")
    found = await ask(desk, first, wording)
    labels = buttons(found)
    assert not labels[0].startswith("1. Система работает медленно")  # a miss at first
    slow = next(label for label in labels if "Система работает медленно" in label)
    await desk.press(first, found, slow)
    article = await desk.bot_says(first, "📄", after=found["message_id"])
    await desk.press(first, article, "👍 Помогло")
    await desk.bot_says(first, "Рад, что помогло", after=article["message_id"])

    # The periodic check sees the new alias in the database and rebuilds the matcher.
    second = desk.client("Борис", username="boris")
    for _ in range(20):
        again = await ask(desk, second, wording)
        if buttons(again)[0].startswith("1. Система работает медленно"):
            break
        await asyncio.sleep(0.5)
    assert buttons(again)[0].startswith("1. Система работает медленно")

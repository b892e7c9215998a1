"""A client registers a ticket in the private chat."""

from __future__ import annotations

from emulator import buttons, text_of
from tests.e2e.conftest import Desk


async def test_start_greets_and_shows_the_menu(desk: Desk) -> None:
    client = desk.client("Анна", language_code="ru")
    desk.emu.send_command(client, client, "/start")
    reply = await desk.bot_says(client, "Здравствуйте, Анна")
    assert buttons(reply) == ["🔎 Задать вопрос", "📝 Новая заявка", "📋 Мои заявки", "❓ Помощь"]


async def test_english_client_is_answered_in_english(desk: Desk) -> None:
    client = desk.client("John", last_name=None, username=None, language_code="en-GB")
    desk.emu.send_command(client, client, "/start")
    reply = await desk.bot_says(client, "Hello, John")
    assert buttons(reply) == ["🔎 Ask a question", "📝 New ticket", "📋 My tickets", "❓ Help"]


async def test_language_command_switches_to_english_for_good(desk: Desk) -> None:
    client = desk.client(language_code="ru")
    desk.emu.send_command(client, client, "/language")
    prompt = await desk.bot_says(client, "Выберите язык")
    await desk.press(client, prompt, "🇬🇧 English")
    await desk.bot_says(client, "I will speak English")
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/start")
    await desk.bot_says(client, "Hello, Иван", after=mark)


async def test_incident_with_priority_and_attachments(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/start")
    menu = await desk.bot_says(client, "Здравствуйте")
    await desk.press(client, menu, "📝 Новая заявка")
    step1 = await desk.bot_says(client, "Шаг 1 из 3")
    assert "Консультация (платная)" in buttons(step1)
    await desk.press(client, step1, "Инцидент")
    step2 = await desk.bot_says(client, "Шаг 2 из 3")
    assert "не работает важная функция" in text_of(step2)
    await desk.press(client, step2, "🟠 Высокий")
    step3 = await desk.bot_says(client, "Шаг 3 из 3")
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "После обновления <3 не открывается карточка договора")
    await desk.bot_says(client, "Принято", after=mark)
    desk.emu.send_photo(client, client, caption="скриншот ошибки", data=b"\x89PNG-screen")
    desk.emu.send_document(client, client, file_name="client.log", data=b"ERROR 1603")
    await desk.emu.wait_for(lambda: len(desk.emu.calls_of("setMessageReaction")) >= 2)
    await desk.press(client, step3, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку")
    assert "Инцидент" in text_of(summary) and "Высокий" in text_of(summary)
    assert "<3 не открывается карточка договора" in text_of(summary)
    assert "Вложений: 2" in text_of(summary)
    await desk.press(client, summary, "✅ Отправить")
    done = await desk.bot_says(client, "зарегистрирована", after=summary["message_id"] - 1)
    assert "#1001" in text_of(done) and "Инцидент" in text_of(done) and "Высокий" in text_of(done)

    await desk.emu.wait_for(lambda: desk.topic(1001) is not None)
    title = desk.topic_info(1001)["name"]
    assert title.startswith("🔵 #1001 · Инцидент · Иван Петров · После обновления")
    thread = await desk.emu.wait_for(
        lambda: (m := desk.thread_messages(1001, from_bot=True)) and len(m) >= 3 and m
    )
    # The card carries the description; the attachments follow it, captions kept.
    header = text_of(thread[0])
    assert "Иван Петров @ivan" in header and str(client) in header and "Высокий" in header
    assert "Описание:\nПосле обновления <3 не открывается карточка договора" in header
    kinds = [("photo" in m, "document" in m, text_of(m)) for m in thread[1:3]]
    assert kinds[0][0] and kinds[0][2] == "скриншот ошибки"
    assert kinds[1][1]


async def test_every_type_registers_with_normal_priority(desk: Desk) -> None:
    client = desk.client()
    numbers = []
    for kind in ("consultation", "license", "version", "access", "wish"):
        numbers.append(await desk.register(client, kind=kind, description=f"Вопрос про {kind}"))
    assert numbers == [1001, 1002, 1003, 1004, 1005]
    confirmations = [
        text_of(m)
        for m in desk.emu.messages(client, from_bot=True)
        if "зарегистрирована" in text_of(m)
    ]
    assert all("Обычный" in c for c in confirmations)
    assert "консультации платные" in confirmations[0]
    assert all("платные" not in c for c in confirmations[1:])
    names = sorted(info["name"] for info in desk.emu.topics(desk.group).values())
    assert any("Лицензионный ключ" in n for n in names)


async def test_consultation_summary_warns_it_is_paid(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/new")
    step1 = await desk.bot_says(client, "Шаг 1 из 3")
    await desk.press(client, step1, "Консультация (платная)")
    step3 = await desk.bot_says(client, "Шаг 3 из 3")
    desk.emu.send_text(client, client, "Как настроить маршрут согласования?")
    await desk.bot_says(client, "Принято")
    await desk.press(client, step3, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку")
    assert "Консультации платные" in text_of(summary)


async def test_cancel_works_at_every_step(desk: Desk) -> None:
    client = desk.client()
    for steps in (0, 1, 2, 3):
        mark = desk.last_id(client)
        desk.emu.send_command(client, client, "/new")
        prompt = await desk.bot_says(client, "Шаг 1 из 3", after=mark)
        if steps >= 1:
            await desk.press(client, prompt, "Инцидент")
            prompt = await desk.bot_says(client, "Шаг 2 из 3", after=mark)
        if steps >= 2:
            await desk.press(client, prompt, "🔵 Обычный")
            prompt = await desk.bot_says(client, "Шаг 3 из 3", after=mark)
        if steps >= 3:
            desk.emu.send_text(client, client, "текст")
            await desk.bot_says(client, "Принято", after=mark)
            await desk.press(client, prompt, "✅ Готово")
            await desk.bot_says(client, "Проверьте заявку", after=mark)
        mark = desk.last_id(client)
        desk.emu.send_command(client, client, "/cancel")
        await desk.bot_says(client, "отменено", after=mark)
    assert desk.emu.topics(desk.group) == {}
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/cancel")
    await desk.bot_says(client, "Отменять нечего", after=mark)


async def test_cancel_button_drops_the_draft(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/new")
    step1 = await desk.bot_says(client, "Шаг 1 из 3")
    await desk.press(client, step1, "✖️ Отменить")
    await desk.bot_says(client, "отменено")
    cancelled = desk.emu.get_message(client, step1["message_id"])
    assert buttons(cancelled) == []  # nothing left to press on a cancelled draft
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "нужен отчёт по командировкам сотрудников zqx")
    await desk.bot_says(client, "Шаг 1 из 3", after=mark)


async def test_restart_in_the_middle_continues_from_the_same_step(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/new")
    step1 = await desk.bot_says(client, "Шаг 1 из 3")
    await desk.press(client, step1, "Инцидент")
    step2 = await desk.bot_says(client, "Шаг 2 из 3")
    await desk.press(client, step2, "🔴 Критический")
    step3 = await desk.bot_says(client, "Шаг 3 из 3")
    desk.emu.send_text(client, client, "Сервер приложений не стартует")
    await desk.bot_says(client, "Принято")

    await desk.bot.restart()

    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "В журнале ошибка подключения к БД")
    await desk.emu.wait_for(lambda: len(desk.emu.calls_of("setMessageReaction")) >= 1)
    await desk.press(client, step3, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку", after=mark)
    assert "Сервер приложений не стартует" in text_of(summary)
    assert "ошибка подключения к БД" in text_of(summary)
    assert "Критический" in text_of(summary)


async def test_start_after_restart_offers_to_continue_the_draft(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/new")
    step1 = await desk.bot_says(client, "Шаг 1 из 3")
    await desk.press(client, step1, "Пожелание / предложение")
    await desk.bot_says(client, "Шаг 3 из 3")
    await desk.bot.restart()
    desk.emu.send_command(client, client, "/start")
    menu = await desk.bot_says(client, "незаконченная заявка")
    await desk.press(client, menu, "▶️ Продолжить заявку")
    await desk.bot_says(client, "Шаг 3 из 3", after=menu["message_id"])


async def test_edit_from_the_summary(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/new")
    step1 = await desk.bot_says(client, "Шаг 1 из 3")
    await desk.press(client, step1, "Пожелание / предложение")
    step3 = await desk.bot_says(client, "Шаг 3 из 3")
    desk.emu.send_text(client, client, "Добавьте тёмную тему")
    await desk.bot_says(client, "Принято")
    await desk.press(client, step3, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку")
    await desk.press(client, summary, "✏️ Изменить")
    edit = await desk.emu.wait_for(
        lambda: (
            "Что изменить" in text_of(desk.emu.get_message(client, summary["message_id"]))
            and desk.emu.get_message(client, summary["message_id"])
        )
    )
    await desk.press(client, edit, "Тип")
    types = await desk.bot_says(client, "Шаг 1 из 3", after=summary["message_id"])
    await desk.press(client, types, "Инцидент")
    prio = await desk.bot_says(client, "Шаг 2 из 3", after=types["message_id"])
    await desk.press(client, prio, "🟢 Низкий")
    again = await desk.bot_says(client, "Проверьте заявку", after=prio["message_id"])
    assert "Инцидент" in text_of(again) and "Низкий" in text_of(again)
    assert "Добавьте тёмную тему" in text_of(again)


async def test_done_without_description_is_refused(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/new")
    step1 = await desk.bot_says(client, "Шаг 1 из 3")
    await desk.press(client, step1, "Новая версия системы")
    step3 = await desk.bot_says(client, "Шаг 3 из 3")
    await desk.press(client, step3, "✅ Готово")
    await desk.emu.wait_for(
        lambda: any("Сначала опишите" in (a.get("text") or "") for a in desk.emu.callback_answers)
    )


async def test_text_while_choosing_a_type_is_kept_in_the_description(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/new")
    step1 = await desk.bot_says(client, "Шаг 1 из 3")
    desk.emu.send_text(client, client, "Не приходят уведомления на почту")
    await desk.bot_says(client, "Выберите вариант кнопкой")
    await desk.press(client, step1, "Инцидент")
    step2 = await desk.bot_says(client, "Шаг 2 из 3")
    await desk.press(client, step2, "🔵 Обычный")
    step3 = await desk.bot_says(client, "Ваше сообщение уже в описании")
    await desk.press(client, step3, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку")
    assert "Не приходят уведомления на почту" in text_of(summary)


async def test_a_message_without_an_open_ticket_starts_a_registration(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_text(client, client, "При формировании отчёта zqx выдаёт ошибку 0xDEAD")
    offer = await desk.bot_says(client, "Шаг 1 из 3")
    await desk.press(client, offer, "Доступ к сайту поддержки или порталу сертификации")
    step3 = await desk.bot_says(client, "Ваше сообщение уже в описании")
    await desk.press(client, step3, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку")
    assert "ошибку 0xDEAD" in text_of(summary)


async def test_simultaneous_registrations_get_distinct_sequential_numbers(desk: Desk) -> None:
    import asyncio

    clients = [desk.client(f"Клиент{i}", username=None) for i in range(5)]
    numbers = await asyncio.gather(
        *(desk.register(c, description=f"Проблема {i}") for i, c in enumerate(clients))
    )
    assert sorted(numbers) == [1001, 1002, 1003, 1004, 1005]
    assert len(desk.emu.topics(desk.group)) == 5


async def test_an_english_client_registers_in_english(desk: Desk) -> None:
    client = desk.client("John", last_name="Smith", username="john", language_code="en")
    number = await desk.register(
        client,
        kind="incident",
        priority="critical",
        description="The server does not start",
        lang="en",
    )
    done = [
        text_of(m) for m in desk.emu.messages(client, from_bot=True) if "registered" in text_of(m)
    ]
    assert done and f"#{number}" in done[0] and "Incident" in done[0] and "Critical" in done[0]
    # The operator group keeps its own language.
    assert "Инцидент" in text_of(desk.header(number))

"""Русский каталог: язык по умолчанию."""

TEXTS: dict[str, str] = {
    # --- start and menu
    "start.greeting": (
        "Здравствуйте, {name}!\n"
        "Я бот технической поддержки: здесь можно зарегистрировать заявку и переписываться "
        "с инженерами. Ответы инженеров приходят прямо в этот чат."
    ),
    "start.draft_pending": "У вас есть незаконченная заявка. Продолжить её оформление?",
    "menu.new": "📝 Новая заявка",
    "menu.tickets": "📋 Мои заявки",
    "menu.help": "❓ Помощь",
    "menu.continue": "▶️ Продолжить заявку",
    "help.text": (
        "<b>Как пользоваться ботом</b>\n"
        "• «Новая заявка» — бот спросит тип, приоритет и описание; можно приложить "
        "скриншоты и файлы.\n"
        "• «Мои заявки» — статусы, переписка и кнопка «Написать» по каждой заявке.\n"
        "• Просто напишите сообщение — оно уйдёт в вашу текущую заявку. Ответ на "
        "сообщение бота попадёт в заявку, к которой оно относится.\n\n"
        "Команды: /new — новая заявка, /tickets — мои заявки, /language — язык, "
        "/cancel — отменить оформление."
    ),
    "commands.start": "Главное меню",
    "commands.new": "Новая заявка",
    "commands.tickets": "Мои заявки",
    "commands.help": "Помощь",
    "commands.language": "Язык / Language",
    "commands.cancel": "Отменить оформление заявки",
    "lang.prompt": "Выберите язык общения:",
    "lang.set": "Готово, теперь я говорю по-русски.",
    "unknown_command": "Не знаю такой команды. Посмотрите /help.",
    "engineer_only": "Эта команда доступна только инженерам в группе поддержки.",
    "error.generic": "Что-то пошло не так. Попробуйте ещё раз через минуту — ваше сообщение "
    "сохранено.",
    # --- ticket types, priorities, statuses
    "type.incident": "Инцидент",
    "type.consultation": "Консультация (платная)",
    "type.license": "Разрешение на генерацию лицензионного ключа",
    "type.version": "Новая версия системы",
    "type.access": "Доступ к сайту поддержки или порталу сертификации",
    "type.wish": "Пожелание / предложение",
    "type_short.incident": "Инцидент",
    "type_short.consultation": "Консультация",
    "type_short.license": "Лицензионный ключ",
    "type_short.version": "Новая версия",
    "type_short.access": "Доступ",
    "type_short.wish": "Пожелание",
    "prio.low": "Низкий",
    "prio.normal": "Обычный",
    "prio.high": "Высокий",
    "prio.critical": "Критический",
    "prio_hint.low": "вопрос не мешает работе",
    "prio_hint.normal": "мешает, но есть обходной путь",
    "prio_hint.high": "не работает важная функция, обхода нет",
    "prio_hint.critical": "система не работает у всех или потеряны данные",
    "status.new": "Новая",
    "status.in_progress": "В работе",
    "status.waiting": "Ждёт вашего ответа",
    "status.closed": "Закрыта",
    # --- registration
    "reg.choose_type": "<b>Новая заявка</b>\nШаг 1 из 3. Выберите тип обращения:",
    "reg.choose_priority": (
        "Шаг 2 из 3. Насколько это срочно?\n"
        "🟢 <b>Низкий</b> — вопрос не мешает работе\n"
        "🔵 <b>Обычный</b> — мешает, но есть обходной путь\n"
        "🟠 <b>Высокий</b> — не работает важная функция, обхода нет\n"
        "🔴 <b>Критический</b> — система не работает у всех или потеряны данные"
    ),
    "reg.describe": (
        "Шаг 3 из 3. Опишите вопрос: что делали, что ожидали, что получили. "
        "Можно отправить несколько сообщений, скриншоты, файлы и голосовые. "
        "Когда закончите, нажмите «Готово»."
    ),
    "reg.describe_prefilled": (
        "Шаг 3 из 3. Ваше сообщение уже в описании. Добавьте подробности, скриншоты или файлы "
        "либо сразу нажмите «Готово»."
    ),
    "reg.describe_more": "Принято. Добавьте ещё текст или файлы либо нажмите «Готово».",
    "reg.done": "✅ Готово",
    "reg.empty_description": "Сначала опишите вопрос — хотя бы одним сообщением.",
    "reg.summary": (
        "<b>Проверьте заявку</b>\n"
        "Тип: {type}\n"
        "Приоритет: {priority}\n"
        "Описание:\n{description}{attachments}"
    ),
    "reg.summary_attachments": "\n📎 Вложений: {count}",
    "reg.summary_paid": "\n\n💳 Консультации платные: оплачиваются часы работы инженера.",
    "reg.confirm": "✅ Отправить",
    "reg.edit": "✏️ Изменить",
    "reg.cancel": "✖️ Отменить",
    "reg.edit_what": "Что изменить?",
    "reg.edit_type": "Тип",
    "reg.edit_priority": "Приоритет",
    "reg.edit_description": "Описание",
    "reg.back_to_summary": "↩️ К заявке",
    "reg.cancelled": "Оформление заявки отменено. Ничего не отправлено.",
    "reg.nothing_to_cancel": "Отменять нечего. Меню — /start.",
    "reg.step_over": "Этот шаг уже пройден.",
    "reg.use_buttons": "Выберите вариант кнопкой выше или отправьте /cancel. "
    "Ваш текст я добавил к описанию.",
    "reg.created": (
        "✅ Заявка <b>{number}</b> зарегистрирована.\n"
        "Тип: {type}\nПриоритет: {priority}\n"
        "Инженеры ответят здесь, в этом чате. Чтобы дополнить заявку, просто напишите сообщение."
    ),
    "reg.created_paid": (
        "\n\n💳 Обратите внимание: консультации платные. Время инженера учитывается по часам "
        "и включается в ежемесячный акт выполненных работ."
    ),
    "reg.already_created": "Эта заявка уже отправлена.",
    "reg.no_open_ticket": (
        "У вас нет открытых заявок, поэтому я начал оформление новой — ваше сообщение "
        "станет её описанием.\nШаг 1 из 3. Выберите тип обращения (или /cancel):"
    ),
    # --- my tickets
    "tickets.empty": "У вас пока нет заявок. Создать — /new.",
    "tickets.title": "<b>Ваши заявки</b> ({total}):",
    "tickets.line": "{marker} <b>{number}</b> · {type} · {subject}",
    "tickets.card": (
        "{marker} <b>Заявка {number}</b>\n"
        "Статус: {status}\n"
        "Тип: {type}\n"
        "Приоритет: {priority}\n"
        "Создана: {created}\n"
        "Обновлена: {updated}{closed}{assignee}\n\n"
        "{description}"
    ),
    "tickets.closed_at": "\nЗакрыта: {date}",
    "tickets.assignee": "\nИнженер: {name}",
    "tickets.history": "🗂 История",
    "tickets.write": "✍️ Написать",
    "tickets.back": "⬅️ К списку",
    "tickets.prev": "◀️",
    "tickets.next": "▶️",
    "tickets.history_title": "<b>История заявки {number}</b> (стр. {page} из {pages})",
    "tickets.history_empty": "В истории пока нет сообщений.",
    "tickets.history_you": "Вы",
    "tickets.history_support": "Поддержка",
    "tickets.write_prompt": "Пишите: следующие сообщения уйдут в заявку <b>{number}</b>.",
    "tickets.write_closed": (
        "Заявка <b>{number}</b> закрыта. Чтобы продолжить, зарегистрируйте новую — /new."
    ),
    "tickets.not_found": "Заявка не найдена.",
    # --- relay
    "relay.ack": "→ {number}",
    "relay.header": "💬 <b>{number}</b> · ответ поддержки",
    "relay.delayed": (
        "⏳ Не получилось сразу передать сообщение инженерам. Оно сохранено и будет "
        "доставлено автоматически."
    ),
    "relay.closed_ticket": (
        "Заявка <b>{number}</b> уже закрыта. Я начал оформление новой заявки с этим "
        "сообщением.\nШаг 1 из 3. Выберите тип обращения (или /cancel):"
    ),
    "relay.cannot_copy": "⚠️ Такое сообщение нельзя передать инженерам. Пришлите, пожалуйста, "
    "текст, фото или файл.",
    "media.photo": "фото",
    "media.document": "файл",
    "media.video": "видео",
    "media.audio": "аудио",
    "media.voice": "голосовое",
    "media.animation": "анимация",
    "media.sticker": "стикер",
    "media.video_note": "видеосообщение",
    "media.location": "геопозиция",
    "media.contact": "контакт",
    "media.other": "вложение",
    # --- status changes told to the client
    "client.taken": "🟡 Заявку <b>{number}</b> взял в работу инженер {engineer}.",
    "client.closed": "🟢 Заявка <b>{number}</b> закрыта. Спасибо за обращение!",
    "client.reopened": "🔵 Заявка <b>{number}</b> снова открыта, инженеры продолжают работу.",
    "client.type_changed": "Тип заявки <b>{number}</b> изменён: {type}.",
    "client.type_changed_paid": (
        "Тип заявки <b>{number}</b> изменён: {type}.\n💳 Консультации платные: время "
        "инженера учитывается по часам и включается в ежемесячный акт."
    ),
    "client.priority_changed": "Приоритет заявки <b>{number}</b> изменён: {priority}.",
    # --- operator group
    "op.header": (
        "{marker} <b>Заявка {number}</b> · {status}\n"
        "Клиент: {client}{username} (id <code>{client_id}</code>){organization}\n"
        "Тип: {type}\n"
        "Приоритет: {priority}{assignee}\n"
        "Создана: {created}"
    ),
    "op.header_plain_hint": "\n\n<i>Отвечайте на сообщения этой заявки реплаем — ответ уйдёт "
    "клиенту. /note — внутренняя заметка.</i>",
    "op.header_topic_hint": "\n\n<i>Всё, что вы пишете в этой теме, уходит клиенту. "
    "/note текст — внутренняя заметка. Команды: /take /type /priority /close /reopen "
    "/info</i>",
    "op.username": " @{username}",
    "op.organization": "\nОрганизация: {organization}",
    "op.assignee": "\nИнженер: {name}",
    "op.taken": "🟡 {engineer} взял(а) заявку {number} в работу.",
    "op.already_yours": "Заявка {number} уже у вас.",
    "op.closed": "🟢 {engineer} закрыл(а) заявку {number}. Клиент уведомлён.",
    "op.reopened": "🔵 {engineer} переоткрыл(а) заявку {number}. Клиент уведомлён.",
    "op.type_changed": "Тип заявки {number}: {type} (изменил(а) {engineer}).",
    "op.priority_changed": "Приоритет заявки {number}: {priority} (изменил(а) {engineer}).",
    "op.choose_type": "Выберите тип заявки {number}:",
    "op.choose_priority": "Выберите приоритет заявки {number}:",
    "op.not_allowed": "Нельзя: заявка {number} сейчас в статусе «{status}».",
    "op.note_saved": "📝 Заметка сохранена, клиент её не видит.",
    "op.note_empty": "Напишите текст заметки после команды: /note текст.",
    "op.no_ticket": "Эта команда работает внутри темы заявки (или ответом на её сообщение).",
    "op.client_blocked": "⚠️ Не доставлено: клиент заблокировал бота. Сообщение сохранено в "
    "истории заявки.",
    "op.delivery_failed": "⚠️ Не доставлено клиенту: {reason}",
    "op.delivery_unknown": "⚠️ Telegram не ответил вовремя: сообщение могло не дойти до "
    "клиента. Проверьте и при необходимости отправьте ещё раз.",
    "op.delivery_retrying": "⏳ Telegram просит подождать; сообщение будет доставлено клиенту "
    "автоматически.",
    "op.topic_recreated": "♻️ Тема заявки была удалена и создана заново. Предыдущая переписка — "
    "в истории заявки (/info).",
    "op.info_history": "Сообщений в переписке: {count} (клиент: {inbound}, поддержка: "
    "{outbound}, заметки: {notes}).",
    "op.not_a_ticket_reply": "Ответьте на сообщение заявки, чтобы написать клиенту.",
}

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
        "/cancel — отменить оформление, /news — новости о релизах и полезные статьи, "
        "/subscribe и /unsubscribe — получать новости о релизах или нет."
    ),
    "commands.start": "Главное меню",
    "commands.new": "Новая заявка",
    "commands.tickets": "Мои заявки",
    "commands.help": "Помощь",
    "commands.language": "Язык / Language",
    "commands.kb": "Поиск в базе знаний",
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
    # the same statuses as engineers read them (the operator group, managers)
    "status_staff.new": "Новая",
    "status_staff.in_progress": "В работе",
    "status_staff.waiting": "Ждёт ответа клиента",
    "status_staff.closed": "Закрыта",
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
    "reg.first_answer": "\n⏱ Ожидайте первого ответа {when}.",
    "when.today": "сегодня до {time}",
    "when.tomorrow": "завтра до {time}",
    "when.date": "{weekday}, {day} {month}{year}, до {time}",
    "when.weekday.0": "в понедельник",
    "when.weekday.1": "во вторник",
    "when.weekday.2": "в среду",
    "when.weekday.3": "в четверг",
    "when.weekday.4": "в пятницу",
    "when.weekday.5": "в субботу",
    "when.weekday.6": "в воскресенье",
    "when.month.1": "января",
    "when.month.2": "февраля",
    "when.month.3": "марта",
    "when.month.4": "апреля",
    "when.month.5": "мая",
    "when.month.6": "июня",
    "when.month.7": "июля",
    "when.month.8": "августа",
    "when.month.9": "сентября",
    "when.month.10": "октября",
    "when.month.11": "ноября",
    "when.month.12": "декабря",
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
        "Обновлена: {updated}{closed}{assignee}{deadline}\n\n"
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
    # --- knowledge base
    "menu.ask": "🔎 Задать вопрос",
    "kb.ask_prompt": "Напишите вопрос своими словами — я поищу ответ в базе знаний.",
    "kb.found": "📚 Похоже, ответ уже есть в базе знаний:",
    "kb.maybe": "📚 Точного ответа не нашёл, но, возможно, поможет:",
    "kb.result_line": "{n}. <b>{title}</b>\n<i>{snippet}</i>",
    "kb.open_ticket": "📝 Нет ответа — открыть заявку",
    "kb.helped": "👍 Помогло",
    "kb.not_helped": "📝 Не помогло — открыть заявку",
    "kb.glad": "Рад, что помогло! Если появятся вопросы — просто напишите.",
    "kb.article_gone": "Эта статья больше недоступна.",
    "kb.not_found_register": (
        "В базе знаний готового ответа нет, поэтому я начал оформление заявки — ваш вопрос "
        "станет её описанием.\nШаг 1 из 3. Выберите тип обращения (или /cancel):"
    ),
    "kb.from_search_register": (
        "Оформим заявку — ваш вопрос уже в описании.\nШаг 1 из 3. Выберите тип обращения "
        "(или /cancel):"
    ),
    "kb.nothing": "В базе знаний ответа не нашлось. Чтобы спросить инженеров, оформите "
    "заявку — /new.",
    "kb.usage": "Напишите после /kb, что искать, например: /kb не приходят уведомления",
    "kb.greeting": (
        "Здравствуйте! Напишите, что случилось: я поищу ответ в базе знаний, а если не найду — "
        "помогу оформить заявку инженерам."
    ),
    "kb.thanks": "Пожалуйста! Если появятся вопросы — просто напишите.",
    "kb.farewell": "Всего доброго! Пишите, если что-то понадобится.",
    "kb.chatter": (
        "Я бот техподдержки: ищу ответы в базе знаний и передаю заявки инженерам. "
        "Напишите, что случилось."
    ),
    "kb.unavailable": "База знаний сейчас недоступна. Оформите заявку — /new.",
    "admin_only": "Эта команда только для администраторов.",
    "op.article_usage": "/article &lt;id&gt; — связать заявку со статьёй базы знаний; "
    "/article new — черновик новой статьи по заявке.",
    "op.article_not_found": "Нет статьи «{id}». Список статей: support-bot kb check.",
    "op.article_linked": "📚 Заявка {number} связана со статьёй «{title}». Вопрос клиента "
    "добавлен к её формулировкам: «{alias}».",
    "op.article_known": "📚 Заявка {number} связана со статьёй «{title}»; такая формулировка "
    "у статьи уже есть.",
    "op.article_drafted": "📝 Черновик статьи по заявке {number} сохранён в {path}. "
    "Администратор проверит его и опубликует, положив файл в папку базы знаний.",
    "op.article_nothing": "В заявке пока нет ответов инженеров — черновик писать не из чего.",
    "op.kb_reloaded": "📚 База знаний перечитана: статей — {count}, пропущено из-за ошибок — "
    "{skipped}.",
    "op.kbstats": (
        "<b>База знаний за {days} дн.</b>\n"
        "Поисков: {searches}, с найденными статьями: {with_results}\n"
        "Решено без заявки: {deflected} ({share}%)\n"
        "«Помогло»: {helped}, «Не помогло»: {not_helped}, заявок после поиска: {tickets}\n\n"
        "<b>Чаще всего открывали:</b>\n{top}\n\n"
        "<b>Частые вопросы без хорошего ответа:</b>\n{unanswered}"
    ),
    "op.kbstats_empty": "—",
    # --- lifecycle
    "op.solve_sent": "✅ Решение отправлено клиенту. Без ответа заявка {number} закроется "
    "сама {date} (напоминание — за рабочий день до этого).",
    "op.ask_sent": "❓ Вопрос отправлен клиенту. Без ответа заявка {number} закроется "
    "сама {date}.",
    "op.client_confirmed": "🟢 Клиент подтвердил решение: заявка {number} закрыта.",
    "op.client_rejected": "🔴 Клиент: решение не помогло. Заявка {number} снова в работе.",
    "op.autoclosed": "🟢 Заявка {number} закрыта автоматически: клиент не отвечал {days} раб. дн.",
    "op.client_reopened": "🔵 Клиент переоткрыл заявку {number}.",
    "op.client_answered": "🟡 Клиент ответил — заявка {number} снова в работе.",
    "op.csat": "⭐ Оценка клиента: {stars} ({rating}/5)",
    "op.csat_comment": "💬 Комментарий клиента к оценке: {comment}",
    "op.parent": "\nПродолжение заявки {parent}",
    "client.solution": "💡 <b>{number}</b> · инженер предлагает решение:\n\n{text}\n\n"
    "Решён ли ваш вопрос?",
    "client.solution_plain": "💡 По заявке <b>{number}</b> инженер считает вопрос решённым. "
    "Решён ли он?",
    "client.question": "❓ <b>{number}</b> · инженеру нужна информация:\n\n{text}\n\n"
    "Ответьте сообщением — работа продолжится.",
    "client.question_plain": "❓ По заявке <b>{number}</b> инженеру нужна дополнительная "
    "информация. Ответьте, пожалуйста, сообщением.",
    "client.yes": "👍 Да, решён",
    "client.no": "👎 Нет, не решён",
    "client.confirmed": "🟢 Спасибо! Заявка <b>{number}</b> закрыта.",
    "client.rejected": "Понятно. Заявка <b>{number}</b> снова в работе — напишите, что "
    "осталось не так.",
    "client.reminder": "⏰ По заявке <b>{number}</b> мы ждём вашего ответа. Если его не будет, "
    "{date} заявка закроется автоматически.",
    "client.autoclosed": "🟢 Заявка <b>{number}</b> закрыта автоматически: ответа не было "
    "{days} раб. дн. Если вопрос остался, нажмите «Переоткрыть» или просто ответьте на это "
    "сообщение (в течение {reopen} дн.).",
    "client.reopen": "🔄 Переоткрыть",
    "client.reopened_by_you": "🔵 Заявка <b>{number}</b> снова открыта, инженеры её видят.",
    "client.reopen_expired": "Заявку <b>{number}</b> закрыли больше {days} дн. назад, "
    "переоткрыть её уже нельзя. Оформим новую — она сошлётся на {number}.\n"
    "Шаг 1 из 3. Выберите тип обращения (или /cancel):",
    "client.rate": "Оцените, пожалуйста, как мы решили заявку <b>{number}</b>:",
    "client.rated": "Спасибо за оценку! Если хотите добавить комментарий, напишите его "
    "следующим сообщением.",
    "client.comment_saved": "Спасибо, комментарий передан команде поддержки.",
    "client.not_waiting": "Этот вопрос уже не актуален: заявка <b>{number}</b> в статусе "
    "«{status}».",
    "tickets.parent": "\nПродолжение заявки {parent}",
    # --- deadlines and escalation
    "op.deadlines": "\nРеакция до: {fr}\nРешение до: {res}",
    "tickets.deadline": "\nСрок решения: {date}",
    "tickets.deadline_paused": "\nСрок решения: на паузе, пока заявка ждёт вашего ответа",
    "op.warn_fr": "⏳ Прошло 80% срока первой реакции по заявке {number}: ответить до {date}.",
    "op.warn_res": "⏳ Прошло 80% срока решения заявки {number}: решить до {date}.",
    "op.breach_fr": "🔥 Срок первой реакции по заявке {number} нарушен ({date}). Руководитель "
    "уведомлён.",
    "op.breach_res": "🔥 Срок решения заявки {number} нарушен ({date}). Руководитель уведомлён.",
    "manager.breach": "🔥 Просрочена заявка <b>{number}</b>\nКлиент: {client}\nСтатус: {status}\n"
    "Срок: {date}\n{link}",
    "manager.no_answer": "❓ Клиент спрашивает, почему нет ответа по заявке <b>{number}</b>: "
    "срок {date} прошёл.\nКлиент: {client}\nСтатус: {status}\n{link}",
    "op.digest": "<b>Сводка по срокам на {date}</b>\n\n<b>Близки к сроку:</b>\n{risk}\n\n"
    "<b>Просрочены:</b>\n{breached}",
    "op.digest_line": "{marker} {number} · {client} · срок {date}",
    "op.digest_none": "—",
    "tickets.late": "❓ Нет ответа?",
    "client.late_ok": "Заявка <b>{number}</b> · {status}\nСрок решения: {date} — он ещё не "
    "прошёл, инженеры работают.",
    "client.late_escalated": "Заявка <b>{number}</b> · {status}\nСрок решения {date} прошёл. "
    "Мы сообщили руководителю поддержки.",
    "client.late_paused": "Заявка <b>{number}</b> ждёт вашего ответа — срок решения на паузе.",
    "tickets.raise": "⬆️ Повысить приоритет",
    "client.raise_ask": "Почему заявку <b>{number}</b> нужно решить быстрее? Опишите одним "
    "сообщением, что не работает и кого это затрагивает (слово «срочно» — не причина). "
    "/cancel — отменить.",
    "client.raise_not_reason": "Это не похоже на причину. Напишите, что не работает и для кого, "
    "например: «не проходит подписание у всего отдела закупок, стоят платежи». /cancel — "
    "отменить.",
    "client.raise_sent": "Просьба передана инженерам: заявка <b>{number}</b>, приоритет "
    "{current} → {wanted}.",
    "client.raise_accepted": "⬆️ Приоритет заявки <b>{number}</b> повышен: {wanted}.",
    "client.raise_declined": "Приоритет заявки <b>{number}</b> оставлен прежним ({current}).",
    "client.raise_max": "У заявки <b>{number}</b> уже наивысший приоритет.",
    "client.raise_cancelled": "Просьба о приоритете отменена.",
    "op.raise_request": "⬆️ Клиент просит повысить приоритет заявки {number}: {current} → "
    "{wanted}\nПричина: {reason}",
    "op.raise_accept": "✅ Принять",
    "op.raise_decline": "✖️ Отклонить",
    "op.raise_accepted": "⬆️ {engineer} повысил(а) приоритет заявки {number}: {wanted}.",
    "op.raise_declined": "{engineer} отклонил(а) просьбу о приоритете заявки {number}.",
    "op.org_set": "🏢 Клиент {client} — из организации «{org}».",
    "op.org_usage": "Напишите название после команды: /org ООО Ромашка",
    "op.client_edited": "✏️ Клиент исправил сообщение: {text}",
    "op.edit_failed": "⚠️ Правка не дошла до клиента: Telegram не дал изменить копию. "
    "Отправьте исправление отдельным сообщением.",
    # --- release announcements
    "news.ask": "Присылать вам новости о выходе новых версий системы?",
    "news.yes": "🔔 Да, присылать",
    "news.no": "Нет, спасибо",
    "news.subscribed": "🔔 Готово: вы будете получать новости о релизах. Отписаться — "
    "/unsubscribe.",
    "news.unsubscribed": "🔕 Вы отписаны от новостей о релизах. Подписаться снова — /subscribe.",
    "news.declined": "Хорошо, новости присылать не будем. Подписаться можно командой /subscribe.",
    "news.not_subscribed": "Вы не подписаны на новости о релизах, присылать их не будем. "
    "Подписаться — /subscribe.",
    "news.already_subscribed": "🔔 Вы уже получаете новости о релизах. Отписаться — /unsubscribe.",
    "commands.subscribe": "Получать новости о релизах",
    "commands.unsubscribe": "Не получать новости о релизах",
    "commands.news": "Новости о релизах и полезные статьи",
    "news.title": "📣 <b>Новости</b>",
    "news.none": "Пока новостей нет.",
    "news.item_version": "<b>{date} · версия {version}</b>",
    "news.item": "<b>{date}</b>",
    "news.kind_text": "(без текста)",
    "news.kind_photo": "🖼 Изображение",
    "news.kind_document": "📎 Файл",
    "news.kind_video": "🎬 Видео",
    "news.kind_animation": "🎬 Анимация",
    "news.kind_audio": "🎵 Аудио",
    "news.kind_voice": "🎙 Голосовое сообщение",
    "news.featured": "📚 <b>Полезные статьи</b> — нажмите, чтобы открыть:",
    "news.subscribed_hint": "🔔 Вы получаете новости о релизах. Отписаться — /unsubscribe.",
    "news.unsubscribed_hint": "🔕 Новости о релизах вам не приходят. Подписаться — /subscribe.",
    # --- release announcements: the client's side
    "ann.request_version": "📦 Запросить версию {version}",
    "ann.unsubscribe": "🔕 Отписаться от новостей",
    "ann.version_subject": "Версия {version}",
    "ann.version_description": "Прошу предоставить версию {version} (из рассылки №{id}).",
    "ann.version_registered": (
        "✅ Заявка <b>{number}</b> зарегистрирована.\n"
        "Тип: {type}. Версия: {version}.\n"
        "Инженер свяжется с вами здесь; ответы придут в этот чат."
    ),
    "ann.version_already": "Эта версия уже запрошена: заявка {number}.",
    # --- release announcements: the admin's side
    "ann.cancel": "✖️ Отмена",
    "ann.not_in_ticket": "Рассылку начинают не в теме заявки, а в общем чате группы.",
    "ann.ask_content": (
        "📣 Рассылка №{id}. Пришлите сообщение для клиентов: текст с оформлением, фото, "
        "документ, видео, GIF, аудио или голосовое — с подписью, если нужно."
    ),
    "ann.no_albums": "Альбом разослать нельзя: пришлите одно фото или один файл с подписью.",
    "ann.unsupported": (
        "Такое сообщение разослать нельзя. Подойдёт текст, фото, документ, видео, GIF, аудио "
        "или голосовое."
    ),
    "ann.ask_audience": "Кому отправить?",
    "ann.all": "👥 Всем подписчикам ({count})",
    "ann.choose_orgs": "🏢 Выбрать организации",
    "ann.ask_orgs": "Отметьте организации (в скобках — подписчиков):",
    "ann.orgs_done": "Готово, выбрано: {count}",
    "ann.pick_one": "Отметьте хотя бы одну организацию.",
    "ann.ask_version": (
        "Номер версии? Пришлите его (например, 3.2.1) — под рассылкой появится кнопка "
        "«Запросить версию». Или нажмите «Без версии»."
    ),
    "ann.no_version": "Без версии",
    "ann.bad_version": "Не похоже на номер версии: нужны цифры, точки, буквы, до 32 знаков.",
    "ann.audience_all": "все подписчики",
    "ann.audience_orgs": "организации: {names}",
    "ann.no_version_label": "нет",
    "ann.preview": (
        "👆 Так рассылку увидят клиенты.\n"
        "Получателей: <b>{count}</b> ({audience}). Версия: {version}."
    ),
    "ann.send": "🚀 Отправить ({count})",
    "ann.restart": "✏️ Начать заново",
    "ann.stale": "Эта кнопка уже не действует.",
    "ann.cancelled": "Рассылка №{id} отменена.",
    "ann.nobody": "Рассылка №{id}: получателей нет — никто из выбранных не подписан.",
    "ann.started": "📣 Рассылка №{id}: отправляю {total} получателям…",
    "ann.version_suffix": " (версия {version})",
    "ann.progress": (
        "📣 Рассылка №{id}{version}\n"
        "Отправлено: {sent} из {total}. Не доставлено: {failed}. Осталось: {remaining}.\n"
        "Скорость: {rate} сообщ./с. До конца: ≈ {eta}."
    ),
    "ann.done": (
        "✅ Рассылка №{id}{version} завершена за {duration}.\n"
        "Доставлено: {sent} из {total} ({rate} сообщ./с)."
    ),
    "ann.fail_blocked": "• заблокировали бота: {count} (отписаны)",
    "ann.fail_refused": "• Telegram отказал: {count} — {reason}",
    "ann.fail_unknown": (
        "• исход неизвестен: {count} — {reason}. Повторно не отправлялось, чтобы никто не "
        "получил рассылку дважды."
    ),
    "ann.finished": "Рассылка №{id} завершена: доставлено {sent} из {total}. Итоги — выше.",
    "ann.version_topic": "📦 Клиент запросил версию {version} из рассылки №{id}.",
    "ann.reason_interrupted": "бот остановился во время отправки",
    "ann.reason_timeout": "Telegram не ответил вовремя",
    "ann.fail_skipped": "• отписались до своей очереди: {count} (не отправлялось)",
    "ann.resend_unknown": "🔁 Отправить ещё раз {count} (кто-то может получить дважды)",
    "ann.resending": "Отправляю ещё раз: {count}.",
    "ann.preparing": "📣 Рассылка №{id}: начинаю отправку…",
    "ann.preview_failed": (
        "Telegram не принял сообщение для рассылки ({reason}). Пришлите другое сообщение."
    ),
    "ann.caption_too_long": (
        "Подпись длиннее 1024 символов — бот не сможет её отправить. Сократите подпись или "
        "пришлите текст отдельным сообщением."
    ),
    # --- the relay under faults and the group's budget
    "op.header_topic": (
        "📋 <b>Заявка {number}</b> · {type}\n"
        "Клиент: {client}{username} (id <code>{client_id}</code>){organization}\n"
        "Приоритет: {priority}\n"
        "Создана: {created}"
    ),
    "op.description": "<b>Описание:</b>",
    "op.possible_repeat": "↻ <i>возможно, повтор: Telegram не подтвердил прошлую отправку</i>",
    "op.delivery_unknown_resend": (
        "⚠️ Сообщение «{excerpt}» могло не дойти до клиента: Telegram не ответил вовремя. "
        "Повторно не отправлялось, чтобы клиент не получил его дважды."
    ),
    "op.resend": "🔁 Отправить ещё раз",
    "op.resent": "🔁 {engineer} отправил(а) сообщение ещё раз.",
    "op.resend_gone": "Это сообщение уже доставлено или отправлено заново.",
    "op.cannot_copy": "⚠️ Сообщение клиента не удалось показать здесь ({reason}): «{excerpt}». "
    "Клиента попросили прислать его иначе.",
    "op.group_refused": "⚠️ Telegram не принял сообщение бота в группу ({reason}): «{excerpt}».",
    "op.queue_behind": (
        "⏳ Очередь сообщений в группу отстаёт больше чем на минуту: ждут отправки {waiting}. "
        "Telegram пропускает в группу не больше {limit} сообщений в минуту. Новые заявки бот "
        "показывает здесь сразу, темы появятся по очереди; сообщения клиентов одной заявки "
        "приходят объединёнными."
    ),
    "op.queue_caught_up": "✅ Очередь сообщений в группу разобрана.",
    "op.preview_title": "🆕 <b>Новые заявки</b> (темы появятся по очереди):",
    "op.preview_line": (
        "<b>{number}</b> · {type} · {priority} · {client}\n{description}{attachments}"
    ),
    "op.preview_attachments": "\n📎 вложений: {count}",
    "op.preview_hint": "<i>Ответить клиенту отсюда: ответьте на это сообщение текстом, "
    "который начинается с номера заявки, например «#1042 Добрый день…».</i>",
    "op.preview_which": "Какой заявке ответить? Начните сообщение с её номера: «#1042 текст». "
    "Заявки в этом сообщении: {numbers}.",
    "op.no_such_ticket": "Заявки {number} нет.",
    "op.reopen_usage": "Чтобы переоткрыть заявку отсюда, укажите её номер: /reopen 1042.",
    "op.ui_failures_title": "⚠️ Эти ответы бота клиентам могли не дойти (или Telegram их не "
    "принял). Повторно они не отправлялись:",
    "op.ui_failure_line": "• клиенту {chat}: «{excerpt}» — {reason}",
    "op.unknown_command": "Такой команды нет; сообщение клиенту не отправлено.",
    "op.caption_command": "Команда в подписи к файлу не выполняется, и клиенту это не "
    "отправлено. Напишите команду текстом (или /note с подписью — для заметки).",
    "op.edit_to_command": "⚠️ Это сообщение уже у клиента; правка, превращающая его в "
    "команду или заметку, к клиенту не применена. Копия у клиента осталась прежней.",
    "op.manager_unreachable": "⚠️ Руководителю не удалось написать: {reason}",
    "op.preview_more": ("<b>{number}</b> · {client} пишет ещё:\n{description}{attachments}"),
}

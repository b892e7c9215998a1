# Русский каталог бота: язык по умолчанию. Формат — Project Fluent (https://projectfluent.org).
#
# Значения подставляются как { $name }; текст размечен HTML Telegram (<b>, <i>, <code>, <a>).
# Формы слов выбираются прямо в переводе:
#   число:  { $days -> [one] { $days } день [few] { $days } дня *[other] { $days } дней }
#   род инженера ($gender: female, male; иначе — нейтральная формулировка):
#           { $gender -> [female] взяла [male] взял *[other] … }
# Литерал {"\u000A"} — перевод строки в начале или в конце сообщения.

## start and menu

start-greeting =
    Здравствуйте, { $name }!
    Я бот технической поддержки: здесь можно зарегистрировать заявку и переписываться с инженерами. Ответы инженеров приходят прямо в этот чат.
start-draft_pending = У вас есть незаконченная заявка. Продолжить её оформление?
menu-new = 📝 Новая заявка
menu-tickets = 📋 Мои заявки
menu-help = ❓ Помощь
menu-continue = ▶️ Продолжить заявку
help-text =
    <b>Как пользоваться ботом</b>
    • «Новая заявка» — бот спросит тип, приоритет и описание; можно приложить скриншоты и файлы.
    • «Мои заявки» — статусы, переписка и кнопка «Написать» по каждой заявке.
    • Просто напишите сообщение — оно уйдёт в вашу текущую заявку. Ответ на сообщение бота попадёт в заявку, к которой оно относится.

    Команды: /new — новая заявка, /tickets — мои заявки, /language — язык, /cancel — отменить оформление, /news — новости о релизах и полезные статьи, /subscribe и /unsubscribe — получать новости о релизах или нет.
commands-start = Главное меню и приветствие
commands-new = Зарегистрировать новую заявку
commands-tickets = Мои заявки: статусы и переписка
commands-help = Как пользоваться ботом
commands-language = Язык общения / Language
commands-kb = Поиск в базе знаний
commands-cancel = Отменить оформление заявки
lang-prompt = Выберите язык общения:
lang-set = Готово, теперь я говорю по-русски.
unknown_command = Не знаю такой команды. Посмотрите /help.
engineer_only = Эта команда доступна только инженерам в группе поддержки.
error-generic = Что-то пошло не так. Попробуйте ещё раз через минуту — ваше сообщение сохранено.

## ticket types, priorities, statuses

type-incident = Инцидент
type-consultation = Консультация (платная)
type-license = Разрешение на генерацию лицензионного ключа
type-version = Новая версия системы
type-access = Доступ к сайту поддержки или порталу сертификации
type-wish = Пожелание / предложение
type_short-incident = Инцидент
type_short-consultation = Консультация
type_short-license = Лицензионный ключ
type_short-version = Новая версия
type_short-access = Доступ
type_short-wish = Пожелание
prio-low = Низкий
prio-normal = Обычный
prio-high = Высокий
prio-critical = Критический
prio_hint-low = вопрос не мешает работе
prio_hint-normal = мешает, но есть обходной путь
prio_hint-high = не работает важная функция, обхода нет
prio_hint-critical = система не работает у всех или потеряны данные
status-new = Новая
status-in_progress = В работе
status-waiting = Ждёт вашего ответа
status-closed = Закрыта

## registration

reg-choose_type =
    <b>Новая заявка</b>
    Шаг 1 из 3. Выберите тип обращения:
reg-choose_priority =
    Шаг 2 из 3. Насколько это срочно?
    🟢 <b>Низкий</b> — вопрос не мешает работе
    🔵 <b>Обычный</b> — мешает, но есть обходной путь
    🟠 <b>Высокий</b> — не работает важная функция, обхода нет
    🔴 <b>Критический</b> — система не работает у всех или потеряны данные
reg-describe = Шаг 3 из 3. Опишите вопрос: что делали, что ожидали, что получили. Можно отправить несколько сообщений, скриншоты, файлы и голосовые. Когда закончите, нажмите «Готово».
reg-describe_prefilled = Шаг 3 из 3. Ваше сообщение уже в описании. Добавьте подробности, скриншоты или файлы либо сразу нажмите «Готово».
reg-describe_more = Принято. Добавьте ещё текст или файлы либо нажмите «Готово».
reg-done = ✅ Готово
reg-empty_description = Сначала опишите вопрос — хотя бы одним сообщением.
reg-summary =
    <b>Проверьте заявку</b>
    Тип: { $type }
    Приоритет: { $priority }
    Описание:
    { $description }{ $attachments }
reg-summary_attachments = {"\u000A"}📎 Вложений: { $count }
reg-summary_paid = {"\u000A\u000A"}💳 Консультации платные: оплачиваются часы работы инженера.
reg-confirm = ✅ Отправить
reg-edit = ✏️ Изменить
reg-cancel = ✖️ Отменить
reg-edit_what = Что изменить?
reg-edit_type = Тип
reg-edit_priority = Приоритет
reg-edit_description = Описание
reg-back_to_summary = ↩️ К заявке
reg-cancelled = Оформление заявки отменено. Ничего не отправлено.
reg-nothing_to_cancel = Отменять нечего. Меню — /start.
reg-step_over = Этот шаг уже пройден.
reg-use_buttons = Выберите вариант кнопкой выше или отправьте /cancel. Ваш текст я добавил к описанию.
reg-created =
    ✅ Заявка <b>{ $number }</b> зарегистрирована.
    Тип: { $type }
    Приоритет: { $priority }
    Инженеры ответят здесь, в этом чате. Чтобы дополнить заявку, просто напишите сообщение.
reg-created_paid = {"\u000A\u000A"}💳 Обратите внимание: консультации платные. Время инженера учитывается по часам и включается в ежемесячный акт выполненных работ.
reg-already_created = Эта заявка уже отправлена.
reg-no_open_ticket =
    У вас нет открытых заявок, поэтому я начал оформление новой — ваше сообщение станет её описанием.
    Шаг 1 из 3. Выберите тип обращения (или /cancel):

## my tickets

tickets-empty = У вас пока нет заявок. Создать — /new.
tickets-title = <b>Ваши заявки</b> ({ $total }):
tickets-line = { $marker } <b>{ $number }</b> · { $type } · { $subject }
tickets-card =
    { $marker } <b>Заявка { $number }</b>
    Статус: { $status }
    Тип: { $type }
    Приоритет: { $priority }
    Создана: { $created }
    Обновлена: { $updated }{ $closed }{ $assignee }{ $deadline }{ $hours }

    { $description }
tickets-closed_at = {"\u000A"}Закрыта: { $date }
tickets-assignee = {"\u000A"}Инженер: { $name }
tickets-history = 🗂 История
tickets-write = ✍️ Написать
tickets-back = ⬅️ К списку
tickets-prev = ◀️
tickets-next = ▶️
tickets-history_title = <b>История заявки { $number }</b> (стр. { $page } из { $pages })
tickets-history_empty = В истории пока нет сообщений.
tickets-history_you = Вы
tickets-history_support = Поддержка
tickets-write_prompt = Пишите: следующие сообщения уйдут в заявку <b>{ $number }</b>.
tickets-write_closed = Заявка <b>{ $number }</b> закрыта. Чтобы продолжить, зарегистрируйте новую — /new.
tickets-not_found = Заявка не найдена.

## relay

relay-ack = → { $number }
relay-header = 💬 <b>{ $number }</b> · ответ поддержки
relay-delayed = ⏳ Не получилось сразу передать сообщение инженерам. Оно сохранено и будет доставлено автоматически.
relay-closed_ticket =
    Заявка <b>{ $number }</b> уже закрыта. Я начал оформление новой заявки с этим сообщением.
    Шаг 1 из 3. Выберите тип обращения (или /cancel):
relay-cannot_copy = ⚠️ Такое сообщение нельзя передать инженерам. Пришлите, пожалуйста, текст, фото или файл.
media-photo = фото
media-document = файл
media-video = видео
media-audio = аудио
media-voice = голосовое
media-animation = анимация
media-sticker = стикер
media-video_note = видеосообщение
media-location = геопозиция
media-contact = контакт
media-other = вложение

## status changes told to the client

client-taken =
    { $gender ->
        [female] 🟡 { $engineer } взяла в работу вашу заявку <b>{ $number }</b>.
        [male] 🟡 { $engineer } взял в работу вашу заявку <b>{ $number }</b>.
       *[other] 🟡 Заявка <b>{ $number }</b> в работе. Инженер: { $engineer }.
    }
client-closed = 🟢 Заявка <b>{ $number }</b> закрыта. Спасибо за обращение!
client-reopened = 🔵 Заявка <b>{ $number }</b> снова открыта, инженеры продолжают работу.
client-type_changed = Тип заявки <b>{ $number }</b> изменён: { $type }.
client-type_changed_paid =
    Тип заявки <b>{ $number }</b> изменён: { $type }.
    💳 Консультации платные: время инженера учитывается по часам и включается в ежемесячный акт.
client-priority_changed = Приоритет заявки <b>{ $number }</b> изменён: { $priority }.

## operator group

op-header =
    { $marker } <b>Заявка { $number }</b> · { $status }
    Клиент: { $client }{ $username } (id <code>{ $client_id }</code>){ $organization }
    Тип: { $type }
    Приоритет: { $priority }{ $assignee }
    Создана: { $created }
op-header_plain_hint = {"\u000A\u000A"}<i>Отвечайте на сообщения этой заявки реплаем — ответ уйдёт клиенту. /note — внутренняя заметка. Команды: /take /solve /ask /type /priority /time /info /close /reopen</i>
op-header_topic_hint = {"\u000A\u000A"}<i>Всё, что вы пишете в этой теме, уходит клиенту. /note текст — внутренняя заметка. Команды: /take /solve /ask /type /priority /time /info /close /reopen</i>
op-username = {" "}@{ $username }
op-assignee = {"\u000A"}Инженер: { $name }
op-taken =
    { $gender ->
        [female] 🟡 { $engineer } взяла заявку { $number } в работу.
        [male] 🟡 { $engineer } взял заявку { $number } в работу.
       *[other] 🟡 Заявка { $number } в работе. Инженер: { $engineer }.
    }
op-already_yours = Заявка { $number } уже у вас.
op-closed =
    { $gender ->
        [female] 🟢 { $engineer } закрыла заявку { $number }. Клиент уведомлён.
        [male] 🟢 { $engineer } закрыл заявку { $number }. Клиент уведомлён.
       *[other] 🟢 Заявка { $number } закрыта (инженер: { $engineer }). Клиент уведомлён.
    }
op-reopened =
    { $gender ->
        [female] 🔵 { $engineer } переоткрыла заявку { $number }. Клиент уведомлён.
        [male] 🔵 { $engineer } переоткрыл заявку { $number }. Клиент уведомлён.
       *[other] 🔵 Заявка { $number } переоткрыта (инженер: { $engineer }). Клиент уведомлён.
    }
op-type_changed =
    Тип заявки { $number }: { $type } ({ $gender ->
        [female] изменила { $engineer }
        [male] изменил { $engineer }
       *[other] инженер: { $engineer }
    }).
op-priority_changed =
    Приоритет заявки { $number }: { $priority } ({ $gender ->
        [female] изменила { $engineer }
        [male] изменил { $engineer }
       *[other] инженер: { $engineer }
    }).
op-choose_type = Выберите тип заявки { $number }:
op-choose_priority = Выберите приоритет заявки { $number }:
op-not_allowed = Нельзя: заявка { $number } сейчас в статусе «{ $status }».
op-note_saved = 📝 Заметка сохранена, клиент её не видит.
op-note_empty = Напишите текст заметки после команды: /note текст.
op-no_ticket = Эта команда работает внутри темы заявки (или ответом на её сообщение).
op-client_blocked = ⚠️ Не доставлено: клиент заблокировал бота. Сообщение сохранено в истории заявки.
op-delivery_failed = ⚠️ Не доставлено клиенту: { $reason }
op-delivery_unknown = ⚠️ Telegram не ответил вовремя: сообщение могло не дойти до клиента. Проверьте и при необходимости отправьте ещё раз.
op-delivery_retrying = ⏳ Telegram просит подождать; сообщение будет доставлено клиенту автоматически.
op-topic_recreated = ♻️ Тема заявки была удалена и создана заново. Предыдущая переписка — в истории заявки (/info).
op-info_history = Сообщений в переписке: { $count } (клиент: { $inbound }, поддержка: { $outbound }, заметки: { $notes }).
op-not_a_ticket_reply = Ответьте на сообщение заявки, чтобы написать клиенту.

## knowledge base

menu-ask = 🔎 Задать вопрос
kb-ask_prompt = Напишите вопрос своими словами — я поищу ответ в базе знаний.
kb-no_words = Напишите вопрос словами — я поищу ответ в базе знаний или помогу оформить заявку.
kb-found = 📚 Похоже, ответ уже есть в базе знаний:
kb-maybe = 📚 Точного ответа не нашёл, но, возможно, поможет:
kb-result_line =
    { $n }. <b>{ $title }</b>{ $language_note }
    <i>{ $snippet }</i>
kb-article_in_en = (статья на английском)
kb-article_in_ru = (статья на русском)
kb-open_ticket = 📝 Нет ответа — открыть заявку
kb-helped = 👍 Помогло
kb-whole = 📖 Вся статья
kb-not_helped = 📝 Не помогло — открыть заявку
kb-glad = Рад, что помогло! Если появятся вопросы — просто напишите.
kb-article_gone = Эта статья больше недоступна.
kb-not_found_register =
    В базе знаний готового ответа нет, поэтому я начал оформление заявки — ваш вопрос станет её описанием.
    Шаг 1 из 3. Выберите тип обращения (или /cancel):
kb-from_search_register =
    Оформим заявку — ваш вопрос уже в описании.
    Шаг 1 из 3. Выберите тип обращения (или /cancel):
kb-nothing = В базе знаний ответа не нашлось. Чтобы спросить инженеров, оформите заявку — /new.
kb-usage = Напишите после /kb, что искать, например: /kb не приходят уведомления
kb-greeting = Здравствуйте! Напишите, что случилось: я поищу ответ в базе знаний, а если не найду — помогу оформить заявку инженерам.
kb-thanks = Пожалуйста! Если появятся вопросы — просто напишите.
kb-farewell = Всего доброго! Пишите, если что-то понадобится.
kb-chatter = Я бот техподдержки: ищу ответы в базе знаний и передаю заявки инженерам. Напишите, что случилось.
kb-unavailable = База знаний сейчас недоступна. Оформите заявку — /new.
admin_only = Эта команда только для администраторов.
op-article_usage = /article &lt;id&gt; — связать заявку со статьёй базы знаний; /article new — черновик новой статьи по заявке.
op-article_not_found = Нет статьи «{ $id }». Список статей: support-bot kb check.
op-article_linked = 📚 Заявка { $number } связана со статьёй «{ $title }». Вопрос клиента добавлен к её формулировкам: «{ $alias }».
op-article_known = 📚 Заявка { $number } связана со статьёй «{ $title }»; такая формулировка у статьи уже есть.
op-article_drafted = 📝 Черновик статьи по заявке { $number } сохранён в { $path }. Администратор проверит его и опубликует, положив файл в папку базы знаний.
op-article_nothing = В заявке пока нет ответов инженеров — черновик писать не из чего.
op-kb_reloaded = 📚 База знаний перечитана: статей — { $count }, пропущено из-за ошибок — { $skipped }.
op-kbstats =
    <b>База знаний за { $days } { $days ->
        [one] день
        [few] дня
       *[other] дней
    }</b>
    Поисков: { $searches }, с найденными статьями: { $with_results }
    Решено без заявки: { $deflected } ({ $share }%)
    «Помогло»: { $helped }, «Не помогло»: { $not_helped }, заявок после поиска: { $tickets }

    <b>Чаще всего открывали:</b>
    { $top }

    <b>Частые вопросы без хорошего ответа:</b>
    { $unanswered }
op-kbstats_empty = —

## lifecycle

op-solve_sent = ✅ Решение отправлено клиенту. Без ответа заявка { $number } закроется сама { $date } (напоминание — за рабочий день до этого).
op-ask_sent = ❓ Вопрос отправлен клиенту. Без ответа заявка { $number } закроется сама { $date }.
op-client_confirmed = 🟢 Клиент подтвердил решение: заявка { $number } закрыта.
op-client_rejected = 🔴 Клиент: решение не помогло. Заявка { $number } снова в работе.
op-autoclosed =
    🟢 Заявка { $number } закрыта автоматически: клиент не отвечал { $days ->
        [one] { $days } рабочий день
        [few] { $days } рабочих дня
       *[other] { $days } рабочих дней
    }.
op-client_reopened = 🔵 Клиент переоткрыл заявку { $number }.
op-client_answered = 🟡 Клиент ответил — заявка { $number } снова в работе.
op-csat = ⭐ Оценка клиента: { $stars } ({ $rating }/5)
op-csat_comment = 💬 Комментарий клиента к оценке: { $comment }
op-parent = {"\u000A"}Продолжение заявки { $parent }
client-solution =
    💡 <b>{ $number }</b> · инженер предлагает решение:

    { $text }

    Решён ли ваш вопрос?
client-solution_plain = 💡 По заявке <b>{ $number }</b> инженер считает вопрос решённым. Решён ли он?
client-question =
    ❓ <b>{ $number }</b> · инженеру нужна информация:

    { $text }

    Ответьте сообщением — работа продолжится.
client-question_plain = ❓ По заявке <b>{ $number }</b> инженеру нужна дополнительная информация. Ответьте, пожалуйста, сообщением.
client-yes = 👍 Да, решён
client-no = 👎 Нет, не решён
client-confirmed = 🟢 Спасибо! Заявка <b>{ $number }</b> закрыта.
client-rejected = Понятно. Заявка <b>{ $number }</b> снова в работе — напишите, что осталось не так.
client-reminder = ⏰ По заявке <b>{ $number }</b> мы ждём вашего ответа. Если его не будет, { $date } заявка закроется автоматически.
client-autoclosed =
    🟢 Заявка <b>{ $number }</b> закрыта автоматически: ответа не было { $days ->
        [one] { $days } рабочий день
        [few] { $days } рабочих дня
       *[other] { $days } рабочих дней
    }. Если вопрос остался, нажмите «Переоткрыть» или просто ответьте на это сообщение (в течение { $reopen } { $reopen ->
        [one] дня
       *[other] дней
    }).
client-reopen = 🔄 Переоткрыть
client-reopened_by_you = 🔵 Заявка <b>{ $number }</b> снова открыта, инженеры её видят.
client-reopen_expired =
    Заявку <b>{ $number }</b> закрыли больше { $days } { $days ->
        [one] дня
       *[other] дней
    } назад, переоткрыть её уже нельзя. Оформим новую — она сошлётся на { $number }.
    Шаг 1 из 3. Выберите тип обращения (или /cancel):
client-rate = Оцените, пожалуйста, как мы решили заявку <b>{ $number }</b>:
client-rated = Спасибо за оценку! Если хотите добавить комментарий, напишите его следующим сообщением.
client-comment_saved = Спасибо, комментарий передан команде поддержки.
client-not_waiting = Этот вопрос уже не актуален: заявка <b>{ $number }</b> в статусе «{ $status }».
tickets-parent = {"\u000A"}Продолжение заявки { $parent }

## deadlines and escalation

op-deadlines =
    {"\u000A"}Реакция до: { $fr }
    Решение до: { $res }
tickets-deadline = {"\u000A"}Срок решения: { $date }
tickets-deadline_paused = {"\u000A"}Срок решения: на паузе, пока заявка ждёт вашего ответа
op-warn_fr = ⏳ Прошло 80% срока первой реакции по заявке { $number }: ответить до { $date }.
op-warn_res = ⏳ Прошло 80% срока решения заявки { $number }: решить до { $date }.
op-breach_fr = 🔥 Срок первой реакции по заявке { $number } нарушен ({ $date }). Руководитель уведомлён.
op-breach_res = 🔥 Срок решения заявки { $number } нарушен ({ $date }). Руководитель уведомлён.
manager-breach =
    🔥 Просрочена заявка <b>{ $number }</b>
    Клиент: { $client }
    Статус: { $status }
    Срок: { $date }
    { $link }
manager-no_answer =
    ❓ Клиент спрашивает, почему нет ответа по заявке <b>{ $number }</b>: срок { $date } прошёл.
    Клиент: { $client }
    Статус: { $status }
    { $link }
op-digest =
    <b>Сводка по срокам на { $date }</b>

    <b>Близки к сроку:</b>
    { $risk }

    <b>Просрочены:</b>
    { $breached }
op-digest_line = { $marker } { $number } · { $client } · срок { $date }
op-digest_none = —
tickets-late = ❓ Нет ответа?
client-late_ok =
    Заявка <b>{ $number }</b> · { $status }
    Срок решения: { $date } — он ещё не прошёл, инженеры работают.
client-late_escalated =
    Заявка <b>{ $number }</b> · { $status }
    Срок решения { $date } прошёл. Мы сообщили руководителю поддержки.
client-late_paused = Заявка <b>{ $number }</b> ждёт вашего ответа — срок решения на паузе.
tickets-raise = ⬆️ Повысить приоритет
client-raise_ask = Почему заявку <b>{ $number }</b> нужно решить быстрее? Опишите одним сообщением, что не работает и кого это затрагивает (слово «срочно» — не причина). /cancel — отменить.
client-raise_not_reason = Это не похоже на причину. Напишите, что не работает и для кого, например: «не проходит подписание у всего отдела закупок, стоят платежи». /cancel — отменить.
client-raise_sent = Просьба передана инженерам: заявка <b>{ $number }</b>, приоритет { $current } → { $wanted }.
client-raise_accepted = ⬆️ Приоритет заявки <b>{ $number }</b> повышен: { $wanted }.
client-raise_declined = Приоритет заявки <b>{ $number }</b> оставлен прежним ({ $current }).
client-raise_max = У заявки <b>{ $number }</b> уже наивысший приоритет.
client-raise_cancelled = Просьба о приоритете отменена.
op-raise_request =
    ⬆️ Клиент просит повысить приоритет заявки { $number }: { $current } → { $wanted }
    Причина: { $reason }
op-raise_accept = ✅ Принять
op-raise_decline = ✖️ Отклонить
op-raise_accepted =
    { $gender ->
        [female] ⬆️ { $engineer } повысила приоритет заявки { $number }: { $wanted }.
        [male] ⬆️ { $engineer } повысил приоритет заявки { $number }: { $wanted }.
       *[other] ⬆️ Приоритет заявки { $number } повышен: { $wanted } (инженер: { $engineer }).
    }
op-raise_declined =
    { $gender ->
        [female] { $engineer } отклонила просьбу о приоритете заявки { $number }.
        [male] { $engineer } отклонил просьбу о приоритете заявки { $number }.
       *[other] Просьба о приоритете заявки { $number } отклонена (инженер: { $engineer }).
    }
op-org_set = 🏢 Клиент { $client } — из организации «{ $org }».
op-org_usage = Напишите название после команды: /org ООО Ромашка
op-client_edited = ✏️ Клиент исправил сообщение: { $text }
op-edit_failed = ⚠️ Правка не дошла до клиента: Telegram не дал изменить копию. Отправьте исправление отдельным сообщением.

## release announcements

news-ask = Присылать вам новости о выходе новых версий системы?
news-yes = 🔔 Да, присылать
news-no = Нет, спасибо
news-subscribed = 🔔 Готово: вы будете получать новости о релизах. Отписаться — /unsubscribe.
news-unsubscribed = 🔕 Вы отписаны от новостей о релизах. Подписаться снова — /subscribe.
commands-subscribe = Получать новости о релизах
commands-unsubscribe = Не получать новости о релизах
commands-news = Новости о релизах и полезные статьи
news-title = 📣 <b>Новости</b>
news-none = Пока новостей нет.
news-item_version = <b>{ $date } · версия { $version }</b>
news-item = <b>{ $date }</b>
news-kind_text = (без текста)
news-kind_photo = 🖼 Изображение
news-kind_document = 📎 Файл
news-kind_video = 🎬 Видео
news-kind_animation = 🎬 Анимация
news-kind_audio = 🎵 Аудио
news-kind_voice = 🎙 Голосовое сообщение
news-featured = 📚 <b>Полезные статьи</b> — нажмите, чтобы открыть:
news-subscribed_hint = 🔔 Вы получаете новости о релизах. Отписаться — /unsubscribe.
news-unsubscribed_hint = 🔕 Новости о релизах вам не приходят. Подписаться — /subscribe.

## release announcements: the client's side

ann-request_version = 📦 Запросить версию { $version }
ann-unsubscribe = 🔕 Отписаться от новостей
ann-version_subject = Версия { $version }
ann-version_description = Прошу предоставить версию { $version } (из рассылки №{ $id }).
ann-version_registered =
    ✅ Заявка <b>{ $number }</b> зарегистрирована.
    Тип: { $type }. Версия: { $version }.
    Инженер свяжется с вами здесь; ответы придут в этот чат.
ann-version_already = Эта версия уже запрошена: заявка { $number }.

## release announcements: the admin's side

ann-cancel = ✖️ Отмена
ann-not_in_ticket = Рассылку начинают не в теме заявки, а в общем чате группы.
ann-ask_content = 📣 Рассылка №{ $id }. Пришлите сообщение для клиентов: текст с оформлением, фото, документ, видео, GIF, аудио или голосовое — с подписью, если нужно.
ann-no_albums = Альбом разослать нельзя: пришлите одно фото или один файл с подписью.
ann-unsupported = Такое сообщение разослать нельзя. Подойдёт текст, фото, документ, видео, GIF, аудио или голосовое.
ann-ask_audience = Кому отправить?
ann-all = 👥 Всем подписчикам ({ $count })
ann-choose_orgs = 🏢 Выбрать организации
ann-ask_orgs = Отметьте организации (в скобках — подписчиков):
ann-orgs_done = Готово, выбрано: { $count }
ann-pick_one = Отметьте хотя бы одну организацию.
ann-ask_version = Номер версии? Пришлите его (например, 3.2.1) — под рассылкой появится кнопка «Запросить версию». Или нажмите «Без версии».
ann-no_version = Без версии
ann-bad_version = Не похоже на номер версии: нужны цифры, точки, буквы, до 32 знаков.
ann-audience_all = все подписчики
ann-audience_orgs = организации: { $names }
ann-no_version_label = нет
ann-preview =
    👆 Так рассылку увидят клиенты.
    Получателей: <b>{ $count }</b> ({ $audience }). Версия: { $version }.
ann-send = 🚀 Отправить ({ $count })
ann-restart = ✏️ Начать заново
ann-stale = Эта кнопка уже не действует.
ann-cancelled = Рассылка №{ $id } отменена.
ann-nobody = Рассылка №{ $id }: получателей нет — никто из выбранных не подписан.
ann-started =
    📣 Рассылка №{ $id }: отправляю { $total } { $total ->
        [one] получателю
       *[other] получателям
    }…
ann-version_suffix = {" "}(версия { $version })
ann-progress =
    📣 Рассылка №{ $id }{ $version }
    Отправлено: { $sent } из { $total }. Не доставлено: { $failed }. Осталось: { $remaining }.
    Скорость: { $rate } сообщ./с. До конца: ≈ { $eta }.
ann-done =
    ✅ Рассылка №{ $id }{ $version } завершена за { $duration }.
    Доставлено: { $sent } из { $total } ({ $rate } сообщ./с).
ann-fail_blocked = • заблокировали бота: { $count } (отписаны)
ann-fail_refused = • Telegram отказал: { $count } — { $reason }
ann-fail_unknown = • исход неизвестен: { $count } — { $reason }. Повторно не отправлялось, чтобы никто не получил рассылку дважды.
ann-finished = Рассылка №{ $id } завершена: доставлено { $sent } из { $total }. Итоги — выше.
ann-version_topic = 📦 Клиент запросил версию { $version } из рассылки №{ $id }.
ann-reason_interrupted = бот остановился во время отправки
ann-reason_timeout = Telegram не ответил вовремя
ann-fail_skipped = • отписались до своей очереди: { $count } (не отправлялось)
ann-resend_unknown = 🔁 Отправить ещё раз { $count } (кто-то может получить дважды)
ann-resending = Отправляю ещё раз: { $count }.
ann-preparing = 📣 Рассылка №{ $id }: начинаю отправку…
ann-preview_failed = Telegram не принял сообщение для рассылки ({ $reason }). Пришлите другое сообщение.
ann-caption_too_long = Подпись длиннее 1024 символов — бот не сможет её отправить. Сократите подпись или пришлите текст отдельным сообщением.

## the relay under faults and the group's budget

op-header_topic =
    📋 <b>Заявка { $number }</b> · { $type }
    Клиент: { $client }{ $username } (id <code>{ $client_id }</code>){ $organization }
    Приоритет: { $priority }
    Создана: { $created }
op-description = <b>Описание:</b>
op-possible_repeat = ↻ <i>возможно, повтор: Telegram не подтвердил прошлую отправку</i>
op-delivery_unknown_resend = ⚠️ Сообщение «{ $excerpt }» могло не дойти до клиента: Telegram не ответил вовремя. Повторно не отправлялось, чтобы клиент не получил его дважды.
op-resend = 🔁 Отправить ещё раз
op-resent =
    { $gender ->
        [female] 🔁 { $engineer } отправила сообщение ещё раз.
        [male] 🔁 { $engineer } отправил сообщение ещё раз.
       *[other] 🔁 Сообщение отправлено ещё раз (инженер: { $engineer }).
    }
op-resend_gone = Это сообщение уже доставлено или отправлено заново.
op-cannot_copy = ⚠️ Сообщение клиента не удалось показать здесь ({ $reason }): «{ $excerpt }». Клиента попросили прислать его иначе.
op-group_refused = ⚠️ Telegram не принял сообщение бота в группу ({ $reason }): «{ $excerpt }».
op-queue_behind = ⏳ Очередь сообщений в группу отстаёт больше чем на минуту: ждут отправки { $waiting }. Telegram пропускает в группу не больше { $limit } сообщений в минуту. Новые заявки бот показывает здесь сразу, темы появятся по очереди; сообщения клиентов одной заявки приходят объединёнными.
op-queue_caught_up = ✅ Очередь сообщений в группу разобрана.
op-preview_title = 🆕 <b>Новые заявки</b> (темы появятся по очереди):
op-preview_line =
    <b>{ $number }</b> · { $type } · { $priority } · { $client }
    { $description }{ $attachments }
op-preview_attachments = {"\u000A"}📎 вложений: { $count }
op-preview_hint = <i>Ответить клиенту отсюда: ответьте на это сообщение текстом, который начинается с номера заявки, например «#1042 Добрый день…».</i>
op-preview_which = Какой заявке ответить? Начните сообщение с её номера: «#1042 текст». Заявки в этом сообщении: { $numbers }.
op-no_such_ticket = Заявки { $number } нет.
op-ui_failures_title = ⚠️ Эти ответы бота клиентам могли не дойти (или Telegram их не принял). Повторно они не отправлялись:
op-ui_failure_line = • клиенту { $chat }: «{ $excerpt }» — { $reason }
op-unknown_command = Такой команды нет; сообщение клиенту не отправлено.
op-caption_command = Команда в подписи к файлу не выполняется, и клиенту это не отправлено. Напишите команду текстом (или /note с подписью — для заметки).
op-edit_to_command = ⚠️ Это сообщение уже у клиента; правка, превращающая его в команду или заметку, к клиенту не применена. Копия у клиента осталась прежней.
op-manager_unreachable = ⚠️ Руководителю не удалось написать: { $reason }
op-preview_more =
    <b>{ $number }</b> · { $client } пишет ещё:
    { $description }{ $attachments }

## the operator group's command menu and /me

opcommands-take = Взять заявку этой темы в работу
opcommands-type = Изменить тип заявки
opcommands-priority = Изменить приоритет заявки
opcommands-solve = Предложить решение: клиент подтвердит или ответит
opcommands-ask = Запросить у клиента информацию (заявка ждёт его ответа)
opcommands-org = Указать организацию клиента
opcommands-close = Закрыть заявку (клиента попросят оценить)
opcommands-reopen = Переоткрыть заявку (в общей теме: /reopen 1042)
opcommands-info = Карточка заявки: сроки, переписка, вложения
opcommands-note = Внутренняя заметка — клиент её не увидит
opcommands-article = Отправить клиенту статью базы знаний
opcommands-me = Как бот пишет о вас: /me женский, мужской или нейтрально
opcommands-kbstats = Поиски в базе знаний за 30 дней
opcommands-kbreload = Перечитать статьи базы знаний (админ)
opcommands-announce = Рассылка о релизе подписчикам (админ)
op-me_show =
    { $name }: бот пишет о вас { $gender ->
        [female] в женском роде («взяла заявку»)
        [male] в мужском роде («взял заявку»)
       *[other] нейтрально («заявка в работе, инженер: …»)
    }. Изменить: /me женский, /me мужской или /me нейтрально.
op-me_set =
    Готово. { $gender ->
        [female] Теперь: «{ $name } взяла заявку».
        [male] Теперь: «{ $name } взял заявку».
       *[other] Теперь без рода: «Заявка в работе. Инженер: { $name }».
    }
op-me_unknown = Не понял «{ $word }». Напишите /me женский, /me мужской или /me нейтрально.

## status words for the staff, when the first answer is due, news replies

status_staff-new = Новая
status_staff-in_progress = В работе
status_staff-waiting = Ждёт ответа клиента
status_staff-closed = Закрыта
reg-first_answer = {"\u000A"}⏱ Ожидайте первого ответа { $when }.
when-today = сегодня до { $time }
when-tomorrow = завтра до { $time }
when-date = { $weekday }, { $day } { $month }{ $year }, до { $time }
when-weekday-0 = в понедельник
when-weekday-1 = во вторник
when-weekday-2 = в среду
when-weekday-3 = в четверг
when-weekday-4 = в пятницу
when-weekday-5 = в субботу
when-weekday-6 = в воскресенье
when-month-1 = января
when-month-2 = февраля
when-month-3 = марта
when-month-4 = апреля
when-month-5 = мая
when-month-6 = июня
when-month-7 = июля
when-month-8 = августа
when-month-9 = сентября
when-month-10 = октября
when-month-11 = ноября
when-month-12 = декабря
news-declined = Хорошо, новости присылать не будем. Подписаться можно командой /subscribe.
news-not_subscribed = Вы не подписаны на новости о релизах, присылать их не будем. Подписаться — /subscribe.
news-already_subscribed = 🔔 Вы уже получаете новости о релизах. Отписаться — /unsubscribe.
op-reopen_usage = Чтобы переоткрыть заявку отсюда, укажите её номер: /reopen 1042.

## organizations and invitations (/orgs, invitation links, the header card's organization)

opcommands-orgs = Организации и приглашения (админ)
orgs-list_title = 🏢 <b>Организации</b>: { $count }{ $page }
orgs-list_page = {" "}· стр. { $page } из { $pages }
orgs-list_empty = Организаций пока нет. Добавьте первую кнопкой ниже.
orgs-list_hint = <i>Нажмите на организацию, чтобы открыть её карточку; число — её клиенты.</i>
orgs-button = { $name } · 👤 { $clients }
orgs-add = ➕ Добавить организацию
orgs-prev = ◀️ Назад
orgs-next = Вперёд ▶️
orgs-card =
    🏢 <b>{ $name }</b>
    Тип: { $kind }{ $partner }
    Менеджер: { $manager }
    Контракт: { $contract }
    Клиентов: { $clients }
    Заметки: { $notes }
orgs-card_partner =
    {"\u000A"}Партнёр: { $partner }
    Контакты партнёра: { $contacts }
orgs-kind-direct = прямой клиент
orgs-kind-partner = клиент партнёра
orgs-none = —
orgs-manager = { $name }{ $id }
orgs-manager_id = {" "}(id <code>{ $id }</code>)
orgs-contract_until = до { $date }
orgs-contract_ended = до { $date } — ⛔ закончился
orgs-edit-name = ✏️ Название
orgs-edit-pname = 🤝 Партнёр
orgs-edit-pcont = ☎️ Контакты партнёра
orgs-edit-mname = 👔 Менеджер
orgs-edit-mid = 🆔 Telegram id менеджера
orgs-edit-until = 📅 Контракт до
orgs-edit-notes = 📝 Заметки
orgs-make-partner = 🔁 Сделать клиентом партнёра
orgs-make-direct = 🔁 Сделать прямым клиентом
orgs-link = 🔗 Привязать клиента
orgs-invites = ✉️ Приглашения
orgs-back_list = ◀️ К списку
orgs-back_card = ◀️ К организации
orgs-cancel = ✖️ Отмена
orgs-ask-new = 🏢 Пришлите название новой организации следующим сообщением (или ответом на это).
orgs-ask-name = 🏢 «{ $org }»: пришлите новое название следующим сообщением.
orgs-ask-pname = 🏢 «{ $org }»: пришлите название партнёра следующим сообщением. «-» — очистить.
orgs-ask-pcont = 🏢 «{ $org }»: пришлите контакты партнёра (телефон, почта, сайт) следующим сообщением. «-» — очистить.
orgs-ask-mname = 🏢 «{ $org }»: пришлите имя менеджера следующим сообщением. «-» — очистить.
orgs-ask-mid = 🏢 «{ $org }»: пришлите Telegram id менеджера (число, его покажет @getidsbot) следующим сообщением. Ему бот пишет о просроченных заявках организации. «-» — очистить.
orgs-ask-until = 🏢 «{ $org }»: пришлите дату окончания контракта — ДД.ММ.ГГГГ или ГГГГ-ММ-ДД. «-» — очистить.
orgs-ask-notes = 🏢 «{ $org }»: пришлите заметки следующим сообщением. «-» — очистить.
orgs-ask-link = 🔗 «{ $org }»: пришлите Telegram id клиента (число из карточки заявки, «id …»). Клиент должен хотя бы раз написать боту.
orgs-bad-empty = Пустое значение. Пришлите текст или «-», чтобы очистить поле.
orgs-bad-too_long = Слишком длинно. Сократите и пришлите ещё раз.
orgs-bad-date = Не понял дату «{ $value }». Напишите ДД.ММ.ГГГГ (например, 31.12.2027) или ГГГГ-ММ-ДД.
orgs-bad-user_id = «{ $value }» — не Telegram id. Нужно число (его покажет @getidsbot) или «-», чтобы очистить.
orgs-bad-exists = Организация «{ $value }» уже есть. Выберите другое название.
orgs-bad-no_client = Клиента с id { $value } нет: он ещё не писал боту. Попросите его нажать /start или отправьте ему приглашение.
orgs-bad-not_text = Пришлите значение текстом.
orgs-saved = ✅ Сохранено.
orgs-created = ✅ Организация добавлена.
orgs-linked = ✅ Клиент { $client } привязан к организации.
orgs-moved = ✅ Клиент { $client } перенесён сюда из «{ $old }».
orgs-gone = Этой организации больше нет.
orgs-not_in_ticket = /orgs работает вне тем заявок: откройте его в общей теме группы.
orgs-invites_title = ✉️ <b>Приглашения «{ $org }»</b>
orgs-invites_none = Приглашений пока нет.
orgs-invites_hint = <i>Ссылка подключает открывшего её клиента к организации.</i>
orgs-invite_line = { $n }. { $state } · до { $expires } · использовано { $uses }{ $link }
orgs-invite_link = {"\u000A"}<code>{ $link }</code>
orgs-state-valid = ✅ действует
orgs-state-expired = ⌛ истекло
orgs-state-revoked = 🚫 отозвано
orgs-state-used_up = ☑️ использовано полностью
orgs-uses_of = { $uses } из { $max }
orgs-uses_any = { $uses } (без ограничения)
orgs-invite_new = ➕ Новое приглашение
orgs-revoke = 🚫 Отозвать № { $n }
orgs-ask_uses = ✉️ «{ $org }»: сколько клиентов смогут подключиться по приглашению?
orgs-uses_button =
    { $count ->
        [one] { $count } клиент
        [few] { $count } клиента
       *[other] { $count } клиентов
    }
orgs-uses_unlimited = ♾ Без ограничений
orgs-ask_days = ✉️ «{ $org }»: сколько дней будет действовать приглашение?
orgs-days_button =
    { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[other] { $days } дней
    }
orgs-invite_created = ✅ Приглашение создано — отправьте ссылку клиентам организации:
orgs-revoked = Приглашение отозвано.
orgs-stale = Эта кнопка больше не работает.
op-org_direct = {"\u000A"}Организация: { $organization } (прямой клиент)
op-org_partner = {"\u000A"}Организация: { $organization } (клиент партнёра{ $partner })
op-org_partner_name = {" "}«{ $partner }»
op-org_unverified = {"\u000A"}Организация: ⚠️ не подтверждён
op-org_contract_ended = {"\u000A"}⛔ Контракт закончился { $date }
op-link_org = 🏢 Привязать к организации
op-org_choose = 🏢 Выберите организацию клиента { $client }:
op-org_none = Организаций ещё нет: их добавляет администратор командой /orgs.
op-org_linked = Клиент привязан к «{ $org }».
op-org_already = Клиент уже в организации «{ $org }». Сменить её: /org название.
op-org_unknown = Организации «{ $name }» нет. Её добавляет администратор (/orgs); или выберите из списка — /org без названия.
op-org_created = 🏢 Организация «{ $org }» создана, клиент { $client } привязан к ней. Остальное о ней — в /orgs.
invite-joined = ✅ Вы подключены к организации «{ $org }».
invite-already = Вы уже подключены к организации «{ $org }».
invite-other = Вы уже подключены к организации «{ $org }». Если это неверно, напишите нам — инженер поменяет организацию.
invite-broken = ⚠️ Эта ссылка-приглашение не работает: { $reason }. Попросите новую ссылку у вашего менеджера. Задавать вопросы и оформлять заявки можно и без неё.
invite-reason-expired = срок её действия истёк
invite-reason-revoked = её отозвали
invite-reason-used_up = по ней уже подключилось столько клиентов, сколько было можно
invite-reason-unknown = такой ссылки нет

## partners' clients and the contract notice (support-bot org import / partner routing)

reg-partner_consultation = 🤝 Консультации для вашей компании оказывает ваш партнёр — <b>{ $partner }</b>. Пожалуйста, обратитесь к нему.
reg-partner_contacts = {"\u000A"}Контакты партнёра: { $contacts }
reg-partner_no_ticket = {"\u000A\u000A"}Заявка не создана. Если у вас вопрос другого типа (например, инцидент), выберите его ниже.
reg-contract_ended = {"\u000A\u000A"}⚠️ Срок договора на поддержку «{ $organization }» истёк { $date }. Заявку мы приняли; чтобы продлить поддержку, свяжитесь с вашим менеджером.
op-type_changed_partner = {"\u000A"}ℹ️ «{ $organization }» — клиент партнёра { $partner }: консультации ему оказывает партнёр. Решение за вами.

## Hours: /time in a ticket's topic, hours in the client's cards
opcommands-time = Записать время: /time 1h30m [дата] [комментарий]; без аргументов — список
hours-duration = { $hours } ч { $minutes } мин
hours-duration_hours = { $hours } ч
hours-duration_minutes = { $minutes } мин
hours-decimal = { $hours } ч
hours-comment = {" "}— { $comment }
hours-logged =
    ⏱ { $engineer }: { $duration } за { $date }{ $comment }
    Всего по заявке { $number }: <b>{ $total }</b> ({ $decimal })
hours-list_title =
    <b>⏱ Время по заявке { $number }</b>: { $count } { $count ->
        [one] запись
        [few] записи
       *[other] записей
    }
hours-list_line = { $date } · { $engineer } · { $duration }{ $comment }
hours-list_earlier =
    … и ещё { $count } { $count ->
        [one] запись
        [few] записи
       *[other] записей
    } раньше
hours-list_total = <b>Всего: { $total }</b> ({ $decimal })
hours-list_hint = <i>🗑 — удалить свою запись (администратор может удалить любую).</i>
hours-list_empty = По заявке { $number } время ещё не записано. Записать: /time 1h30m [дата] [комментарий].
hours-delete_button = 🗑 { $date } · { $engineer } · { $duration }
hours-deleted = Запись удалена: { $date } · { $duration }
hours-deleted_event =
    { $gender ->
        [female] 🗑 { $engineer } удалила запись времени: { $date } · { $author } · { $duration }
        [male] 🗑 { $engineer } удалил запись времени: { $date } · { $author } · { $duration }
       *[other] 🗑 Запись времени удалена ({ $engineer }): { $date } · { $author } · { $duration }
    }
hours-not_yours = Удалить запись может только её автор или администратор.
hours-gone = Этой записи уже нет.
hours-refused_unparseable = ⚠️ Не понял, сколько времени записать: «{ $words }». Примеры: /time 1h30m настройка обмена, /time 90m, /time 1,5, /time 0.25 27.11.2026 выезд. Число без единиц — часы.
hours-refused_zero = ⚠️ Нулевое время не записывается: «{ $words }».
hours-refused_negative = ⚠️ Время не может быть отрицательным: «{ $words }». Ошибочную запись удалите кнопкой в списке /time.
hours-refused_too_long = ⚠️ Больше 24 часов в одной записи быть не может: «{ $words }». Разбейте по дням: /time 8h 27.11.
hours-refused_bad_date = ⚠️ Такой даты нет: «{ $words }». Дата пишется так: 2026-11-27, 27.11.2026 или 27.11.
hours-refused_future = ⚠️ Дата ещё не наступила: «{ $words }». Время записывается за сегодня или за прошедшие дни.
hours-refused_too_old = ⚠️ Дата больше года назад: «{ $words }». Так давно время не записывается.
tickets-hours_suffix = {" "}· ⏱ { $hours }
tickets-hours_spent = {"\u000A"}⏱ Затрачено: { $spent }
tickets-hours_billed = {"\u000A"}💳 К оплате: { $hours }

## Hours reports: the monthly act and /stats (bot/reports.py, bot/service/reports.py)
opcommands-report = Акт выполненных работ за месяц, XLSX (админ): /report 2026-11 [организация]
opcommands-stats = График заявок и показатели за 12 недель (админ): /stats [недель]
report-act_title = Акт выполненных работ — { $org }
report-summary_title = Акт выполненных работ — сводка
report-period = за { $month } { $year } г.
report-month-1 = январь
report-month-2 = февраль
report-month-3 = март
report-month-4 = апрель
report-month-5 = май
report-month-6 = июнь
report-month-7 = июль
report-month-8 = август
report-month-9 = сентябрь
report-month-10 = октябрь
report-month-11 = ноябрь
report-month-12 = декабрь
report-no_org = Без организации
report-summary = Сводка
report-col-number = № заявки
report-col-client = Клиент
report-col-type = Тип
report-col-subject = Тема
report-col-opened = Открыта
report-col-closed = Закрыта
report-col-engineers = Инженеры
report-col-hours = Часы
report-col-org = Организация
report-col-tickets = Заявок
report-total = Итого
report-chart_title = Заявки по неделям: { $start } — { $end }
report-opened = Открыто
report-closed = Закрыто
report-week = Неделя с понедельника
report-fr = Первый ответ в срок: { $share } ({ $met } из { $judged })
report-rating = Средняя оценка: { $rating } ({ $count } { $count ->
        [one] оценка
        [few] оценки
       *[other] оценок
    })
report-kb = Ответила база знаний: { $share } ({ $answered } из { $questions } { $questions ->
        [one] вопроса
       *[other] вопросов
    })
report-none = —
op-report_usage = Акт за месяц: /report 2026-11 или /report 2026-11 ООО Ромашка (без месяца — за прошлый месяц).
op-report_no_org = Организации «{ $name }» нет.
op-report_empty = Оплачиваемых часов { $period } нет: на консультациях не отмечено время.
op-report_caption = 📄 Акт выполненных работ { $period }: { $groups } орг., { $tickets } { $tickets ->
        [one] заявка
        [few] заявки
       *[other] заявок
    }, { $hours } ч.
op-stats_usage = Показатели за последние недели: /stats или /stats 8 (от 1 до { $max } недель).
op-stats_caption = 📊 Заявки и показатели за { $weeks } нед. ({ $start } — { $end })
    Открыто: { $opened }, закрыто: { $closed }
    { $fr }
    { $rating }
    { $kb }

# The bot's English catalog. Format: Project Fluent (https://projectfluent.org).
#
# Values come in as { $name }; the text is Telegram HTML (<b>, <i>, <code>, <a>).
# Forms are chosen in the translation itself:
#   number: { $days -> [one] { $days } day *[other] { $days } days }
#   an engineer's gender ($gender: female, male, otherwise neutral) where the language needs it.
# The literal {"\u000A"} is a line break at the start or end of a message.

## start and menu

start-greeting =
    Hello, { $name }!
    I am the technical support bot: register a ticket here and talk to our engineers. Their answers arrive right in this chat.
start-draft_pending = You have a ticket you started but did not send. Continue it?
menu-new = 📝 New ticket
menu-tickets = 📋 My tickets
menu-help = ❓ Help
menu-continue = ▶️ Continue the ticket
help-text =
    <b>How to use the bot</b>
    • "New ticket": the bot asks for the type, priority and a description; you can attach screenshots and files.
    • "My tickets": statuses, correspondence and a "Write" button for each ticket.
    • Just write a message and it goes to your current ticket. A reply to a bot message goes to the ticket that message belongs to.

    Commands: /new new ticket, /tickets my tickets, /language language, /cancel cancel the registration, /news release news and useful articles, /subscribe and /unsubscribe to get release news or not.
commands-start = Main menu and greeting
commands-new = Register a new ticket
commands-tickets = My tickets: statuses and messages
commands-help = How to use this bot
commands-language = Language / Язык общения
commands-kb = Search the knowledge base
commands-cancel = Cancel the ticket registration
lang-prompt = Choose your language:
lang-set = Done, I will speak English from now on.
unknown_command = I don't know that command. See /help.
engineer_only = This command is for engineers in the support group only.
error-generic = Something went wrong. Please try again in a minute; your message is saved.

## ticket types, priorities, statuses

type-incident = Incident
type-consultation = Consultation (paid)
type-license = Permission to generate a license key
type-version = New version of the system
type-access = Access to the support site or certification portal
type-wish = Wish / suggestion
type_short-incident = Incident
type_short-consultation = Consultation
type_short-license = License key
type_short-version = New version
type_short-access = Access
type_short-wish = Wish
prio-low = Low
prio-normal = Normal
prio-high = High
prio-critical = Critical
prio_hint-low = does not stop your work
prio_hint-normal = gets in the way, but there is a workaround
prio_hint-high = an important function fails, no workaround
prio_hint-critical = the system is down for everyone or data is lost
status-new = New
status-in_progress = In progress
status-waiting = Waiting for your reply
status-closed = Closed

## registration

reg-choose_type =
    <b>New ticket</b>
    Step 1 of 3. Choose the kind of request:
reg-choose_priority =
    Step 2 of 3. How urgent is it?
    🟢 <b>Low</b>: does not stop your work
    🔵 <b>Normal</b>: gets in the way, but there is a workaround
    🟠 <b>High</b>: an important function fails, no workaround
    🔴 <b>Critical</b>: the system is down for everyone or data is lost
reg-describe = Step 3 of 3. Describe the question: what you did, what you expected, what happened. You may send several messages, screenshots, files and voice notes. Press "Done" when you have finished.
reg-describe_prefilled = Step 3 of 3. Your message is already in the description. Add details, screenshots or files, or press "Done".
reg-describe_more = Got it. Add more text or files, or press "Done".
reg-done = ✅ Done
reg-empty_description = Please describe the question first, in at least one message.
reg-summary =
    <b>Check your ticket</b>
    Type: { $type }
    Priority: { $priority }
    Description:
    { $description }{ $attachments }
reg-summary_attachments = {"\u000A"}📎 Attachments: { $count }
reg-summary_paid = {"\u000A\u000A"}💳 Consultations are paid: billed by the engineer's hours.
reg-confirm = ✅ Send
reg-edit = ✏️ Edit
reg-cancel = ✖️ Cancel
reg-edit_what = What would you like to change?
reg-edit_type = Type
reg-edit_priority = Priority
reg-edit_description = Description
reg-back_to_summary = ↩️ Back to the ticket
reg-cancelled = Ticket registration cancelled. Nothing was sent.
reg-nothing_to_cancel = Nothing to cancel. Menu: /start.
reg-step_over = This step is already done.
reg-use_buttons = Please choose with the buttons above or send /cancel. I added your text to the description.
reg-created =
    ✅ Ticket <b>{ $number }</b> is registered.
    Type: { $type }
    Priority: { $priority }
    Engineers will answer here, in this chat. To add something, just send a message.
reg-created_paid = {"\u000A\u000A"}💳 Please note: consultations are paid. The engineer's time is counted in hours and included in the monthly act of completed work.
reg-already_created = This ticket has already been sent.
reg-no_open_ticket =
    You have no open tickets, so I started a new one: your message will be its description.
    Step 1 of 3. Choose the kind of request (or /cancel):

## my tickets

tickets-empty = You have no tickets yet. Create one: /new.
tickets-title = <b>Your tickets</b> ({ $total }):
tickets-line = { $marker } <b>{ $number }</b> · { $type } · { $subject }
tickets-card =
    { $marker } <b>Ticket { $number }</b>
    Status: { $status }
    Type: { $type }
    Priority: { $priority }
    Created: { $created }
    Updated: { $updated }{ $closed }{ $assignee }{ $deadline }{ $hours }

    { $description }
tickets-closed_at = {"\u000A"}Closed: { $date }
tickets-assignee = {"\u000A"}Engineer: { $name }
tickets-history = 🗂 History
tickets-write = ✍️ Write
tickets-back = ⬅️ Back to the list
tickets-prev = ◀️
tickets-next = ▶️
tickets-history_title = <b>Ticket { $number } history</b> (page { $page } of { $pages })
tickets-history_empty = No messages in the history yet.
tickets-history_you = You
tickets-history_support = Support
tickets-write_prompt = Go ahead: your next messages go to ticket <b>{ $number }</b>.
tickets-write_closed = Ticket <b>{ $number }</b> is closed. To go on, register a new one: /new.
tickets-not_found = Ticket not found.

## relay

relay-ack = → { $number }
relay-header = 💬 <b>{ $number }</b> · support's answer
relay-delayed = ⏳ Could not pass the message to the engineers right away. It is saved and will be delivered automatically.
relay-closed_ticket =
    Ticket <b>{ $number }</b> is already closed. I started a new ticket with this message.
    Step 1 of 3. Choose the kind of request (or /cancel):
relay-cannot_copy = ⚠️ This kind of message cannot be passed on to the engineers. Please send text, a photo or a file.
media-photo = photo
media-document = file
media-video = video
media-audio = audio
media-voice = voice message
media-animation = animation
media-sticker = sticker
media-video_note = video message
media-location = location
media-contact = contact
media-other = attachment

## status changes told to the client

client-taken = 🟡 { $engineer } is now working on your ticket <b>{ $number }</b>.
client-closed = 🟢 Ticket <b>{ $number }</b> is closed. Thank you for contacting us!
client-reopened = 🔵 Ticket <b>{ $number }</b> is open again; the engineers are on it.
client-type_changed = Ticket <b>{ $number }</b> type changed to: { $type }.
client-type_changed_paid =
    Ticket <b>{ $number }</b> type changed to: { $type }.
    💳 Consultations are paid: the engineer's time is counted in hours and included in the monthly act.
client-priority_changed = Ticket <b>{ $number }</b> priority changed to: { $priority }.

## operator group

op-header =
    { $marker } <b>Ticket { $number }</b> · { $status }
    Client: { $client }{ $username } (id <code>{ $client_id }</code>){ $organization }
    Type: { $type }
    Priority: { $priority }{ $assignee }
    Created: { $created }
op-header_plain_hint = {"\u000A\u000A"}<i>Reply to this ticket's messages to answer the client. /note is an internal note. Commands: /take /solve /ask /type /priority /time /info /close /reopen</i>
op-header_topic_hint = {"\u000A\u000A"}<i>Everything you write in this topic goes to the client. /note text is an internal note. Commands: /take /solve /ask /type /priority /time /info /close /reopen</i>
op-username = {" "}@{ $username }
op-assignee = {"\u000A"}Engineer: { $name }
op-taken = 🟡 { $engineer } took ticket { $number }.
op-already_yours = Ticket { $number } is already yours.
op-closed = 🟢 { $engineer } closed ticket { $number }. The client has been told.
op-reopened = 🔵 { $engineer } reopened ticket { $number }. The client has been told.
op-type_changed = Ticket { $number } type: { $type } (changed by { $engineer }).
op-priority_changed = Ticket { $number } priority: { $priority } (changed by { $engineer }).
op-choose_type = Choose the type of ticket { $number }:
op-choose_priority = Choose the priority of ticket { $number }:
op-not_allowed = Not possible: ticket { $number } is "{ $status }".
op-note_saved = 📝 Note saved; the client does not see it.
op-note_empty = Put the note's text after the command: /note text.
op-no_ticket = This command works inside a ticket's topic (or as a reply to its message).
op-client_blocked = ⚠️ Not delivered: the client has blocked the bot. The message is kept in the ticket's history.
op-delivery_failed = ⚠️ Not delivered to the client: { $reason }
op-delivery_unknown = ⚠️ Telegram did not answer in time: the message may not have reached the client. Check, and send it again if needed.
op-delivery_retrying = ⏳ Telegram asks us to wait; the message will be delivered to the client automatically.
op-topic_recreated = ♻️ The ticket's topic had been deleted and was created again. The earlier correspondence is in the ticket's history (/info).
op-info_history = Messages: { $count } (client: { $inbound }, support: { $outbound }, notes: { $notes }).
op-not_a_ticket_reply = Reply to a message of a ticket to write to its client.

## knowledge base

menu-ask = 🔎 Ask a question
kb-ask_prompt = Write your question in your own words and I will look in the knowledge base.
kb-no_words = Write your question in words: I will look for an answer in the knowledge base or help you register a ticket.
kb-found = 📚 The knowledge base may already have the answer:
kb-maybe = 📚 No exact answer, but this may help:
kb-result_line =
    { $n }. <b>{ $title }</b>{ $language_note }
    <i>{ $snippet }</i>
kb-article_in_en = (article in English)
kb-article_in_ru = (article in Russian)
kb-open_ticket = 📝 No answer here: open a ticket
kb-helped = 👍 This helped
kb-whole = 📖 Whole article
kb-not_helped = 📝 Not helped: open a ticket
kb-glad = Glad it helped! If anything else comes up, just write.
kb-article_gone = This article is no longer available.
kb-not_found_register =
    The knowledge base has no ready answer, so I started a ticket: your question will be its description.
    Step 1 of 3. Choose the kind of request (or /cancel):
kb-from_search_register =
    Let's open a ticket; your question is already in the description.
    Step 1 of 3. Choose the kind of request (or /cancel):
kb-nothing = Nothing found in the knowledge base. To ask the engineers, open a ticket: /new.
kb-usage = Put what to look for after /kb, for example: /kb notifications do not arrive
kb-greeting = Hello! Tell me what happened: I will look for an answer in the knowledge base and, if there is none, help you open a ticket for the engineers.
kb-thanks = You're welcome! If anything else comes up, just write.
kb-farewell = Goodbye! Write any time you need help.
kb-chatter = I am the support bot: I look for answers in the knowledge base and pass tickets to the engineers. Tell me what happened.
kb-unavailable = The knowledge base is unavailable right now. Open a ticket: /new.
admin_only = This command is for admins only.
op-article_usage = /article &lt;id&gt; links the ticket to a knowledge-base article; /article new drafts a new article from the ticket.
op-article_not_found = No article "{ $id }". List them with: support-bot kb check.
op-article_linked = 📚 Ticket { $number } is linked to "{ $title }". The client's question was added to its wordings: "{ $alias }".
op-article_known = 📚 Ticket { $number } is linked to "{ $title }"; it already has this wording.
op-article_drafted = 📝 A draft article from ticket { $number } was saved to { $path }. An admin reviews it and publishes it by putting the file in the knowledge-base folder.
op-article_nothing = The ticket has no engineers' answers yet: nothing to draft from.
op-kb_reloaded = 📚 Knowledge base reloaded: { $count } articles, { $skipped } skipped for errors.
op-kbstats =
    <b>Knowledge base, last { $days } { $days ->
        [one] day
       *[other] days
    }</b>
    Searches: { $searches }, with articles found: { $with_results }
    Solved without a ticket: { $deflected } ({ $share }%)
    "Helped": { $helped }, "Not helped": { $not_helped }, tickets after a search: { $tickets }

    <b>Most opened:</b>
    { $top }

    <b>Frequent questions without a good answer:</b>
    { $unanswered }
op-kbstats_empty = —

## lifecycle

op-solve_sent = ✅ The solution was sent. Without an answer ticket { $number } closes by itself on { $date } (with a reminder one business day before).
op-ask_sent = ❓ The question was sent. Without an answer ticket { $number } closes by itself on { $date }.
op-client_confirmed = 🟢 The client confirmed the solution: ticket { $number } is closed.
op-client_rejected = 🔴 The client says the solution did not help. Ticket { $number } is back in progress.
op-autoclosed =
    🟢 Ticket { $number } closed automatically: no answer from the client for { $days ->
        [one] { $days } business day
       *[other] { $days } business days
    }.
op-client_reopened = 🔵 The client reopened ticket { $number }.
op-client_answered = 🟡 The client answered: ticket { $number } is back in progress.
op-csat = ⭐ The client's rating: { $stars } ({ $rating }/5)
op-csat_comment = 💬 The client's comment on the rating: { $comment }
op-parent = {"\u000A"}Continues ticket { $parent }
client-solution =
    💡 <b>{ $number }</b> · the engineer proposes a solution:

    { $text }

    Has your question been solved?
client-solution_plain = 💡 The engineer considers ticket <b>{ $number }</b> solved. Is it?
client-question =
    ❓ <b>{ $number }</b> · the engineer needs information:

    { $text }

    Answer with a message and the work goes on.
client-question_plain = ❓ The engineer needs more information on ticket <b>{ $number }</b>. Please answer with a message.
client-yes = 👍 Yes, solved
client-no = 👎 No, not solved
client-confirmed = 🟢 Thank you! Ticket <b>{ $number }</b> is closed.
client-rejected = Understood. Ticket <b>{ $number }</b> is back in progress: write what is still wrong.
client-reminder = ⏰ We are waiting for your answer on ticket <b>{ $number }</b>. Without it, the ticket closes automatically on { $date }.
client-autoclosed =
    🟢 Ticket <b>{ $number }</b> closed automatically: no answer for { $days ->
        [one] { $days } business day
       *[other] { $days } business days
    }. If the question remains, press Reopen or just reply to this message (within { $reopen } { $reopen ->
        [one] day
       *[other] days
    }).
client-reopen = 🔄 Reopen
client-reopened_by_you = 🔵 Ticket <b>{ $number }</b> is open again; the engineers see it.
client-reopen_expired =
    Ticket <b>{ $number }</b> was closed more than { $days } { $days ->
        [one] day
       *[other] days
    } ago and cannot be reopened. Let's open a new one that refers to { $number }.
    Step 1 of 3. Choose the kind of request (or /cancel):
client-rate = Please rate how we solved ticket <b>{ $number }</b>:
client-rated = Thank you for the rating! To add a comment, write it in your next message.
client-comment_saved = Thank you, your comment was passed to the support team.
client-not_waiting = This question is no longer current: ticket <b>{ $number }</b> is "{ $status }".
tickets-parent = {"\u000A"}Continues ticket { $parent }

## deadlines and escalation

op-deadlines =
    {"\u000A"}First response by: { $fr }
    Resolution by: { $res }
tickets-deadline = {"\u000A"}Resolution due: { $date }
tickets-deadline_paused = {"\u000A"}Resolution due: paused while the ticket waits for your reply
op-warn_fr = ⏳ 80% of the first-response time of ticket { $number } has passed: answer by { $date }.
op-warn_res = ⏳ 80% of the resolution time of ticket { $number } has passed: solve by { $date }.
op-breach_fr = 🔥 The first-response deadline of ticket { $number } is breached ({ $date }). The manager has been told.
op-breach_res = 🔥 The resolution deadline of ticket { $number } is breached ({ $date }). The manager has been told.
manager-breach =
    🔥 Ticket <b>{ $number }</b> is overdue
    Client: { $client }
    Status: { $status }
    Due: { $date }
    { $link }
manager-no_answer =
    ❓ A client asks why ticket <b>{ $number }</b> has no answer: it was due { $date }.
    Client: { $client }
    Status: { $status }
    { $link }
op-digest =
    <b>Deadlines digest, { $date }</b>

    <b>At risk:</b>
    { $risk }

    <b>Breached:</b>
    { $breached }
op-digest_line = { $marker } { $number } · { $client } · due { $date }
op-digest_none = —
tickets-late = ❓ No answer?
client-late_ok =
    Ticket <b>{ $number }</b> · { $status }
    Resolution due: { $date }; it has not passed yet, the engineers are on it.
client-late_escalated =
    Ticket <b>{ $number }</b> · { $status }
    It was due { $date }. We have told the support manager.
client-late_paused = Ticket <b>{ $number }</b> waits for your reply: its deadline is paused.
tickets-raise = ⬆️ Raise priority
client-raise_ask = Why does ticket <b>{ $number }</b> need to be solved sooner? In one message, say what does not work and whom it affects ("urgent" alone is not a reason). /cancel to cancel.
client-raise_not_reason = That does not look like a reason. Say what does not work and for whom, e.g. "signing fails for the whole purchasing department, payments are stuck". /cancel to cancel.
client-raise_sent = Your request went to the engineers: ticket <b>{ $number }</b>, priority { $current } → { $wanted }.
client-raise_accepted = ⬆️ Ticket <b>{ $number }</b> priority raised: { $wanted }.
client-raise_declined = Ticket <b>{ $number }</b> keeps its priority ({ $current }).
client-raise_max = Ticket <b>{ $number }</b> already has the highest priority.
client-raise_cancelled = The priority request is cancelled.
op-raise_request =
    ⬆️ The client asks to raise ticket { $number }: { $current } → { $wanted }
    Reason: { $reason }
op-raise_accept = ✅ Accept
op-raise_decline = ✖️ Decline
op-raise_accepted = ⬆️ { $engineer } raised ticket { $number } priority: { $wanted }.
op-raise_declined = { $engineer } declined the priority request of ticket { $number }.
op-org_set = 🏢 Client { $client } is from "{ $org }".
op-org_usage = Put the name after the command: /org Acme Ltd
op-client_edited = ✏️ The client edited a message: { $text }
op-edit_failed = ⚠️ The edit did not reach the client: Telegram refused to change the copy. Send the correction as a new message.

## release announcements

news-ask = Would you like to receive news about new versions of the system?
news-yes = 🔔 Yes, please
news-no = No, thanks
news-subscribed = 🔔 Done: you will get release news. To stop: /unsubscribe.
news-unsubscribed = 🔕 You no longer get release news. To subscribe again: /subscribe.
commands-subscribe = Get release news
commands-unsubscribe = Stop release news
commands-news = Release news and useful articles
news-title = 📣 <b>News</b>
news-none = No news yet.
news-item_version = <b>{ $date } · version { $version }</b>
news-item = <b>{ $date }</b>
news-kind_text = (no text)
news-kind_photo = 🖼 Picture
news-kind_document = 📎 File
news-kind_video = 🎬 Video
news-kind_animation = 🎬 Animation
news-kind_audio = 🎵 Audio
news-kind_voice = 🎙 Voice message
news-featured = 📚 <b>Useful articles</b> — tap one to open it:
news-subscribed_hint = 🔔 You get release news. To stop: /unsubscribe.
news-unsubscribed_hint = 🔕 You do not get release news. To subscribe: /subscribe.

## release announcements: the client's side

ann-request_version = 📦 Request version { $version }
ann-unsubscribe = 🔕 Unsubscribe from news
ann-version_subject = Version { $version }
ann-version_description = Please provide version { $version } (from announcement #{ $id }).
ann-version_registered =
    ✅ Ticket <b>{ $number }</b> is registered.
    Type: { $type }. Version: { $version }.
    An engineer will contact you here; answers come to this chat.
ann-version_already = This version is already requested: ticket { $number }.

## release announcements: the admin's side

ann-cancel = ✖️ Cancel
ann-not_in_ticket = Start an announcement in the group's general chat, not in a ticket.
ann-ask_content = 📣 Announcement #{ $id }. Send the message for clients: formatted text, a photo, a document, video, GIF, audio or voice — with a caption if you like.
ann-no_albums = An album cannot be announced: send one photo or one file with a caption.
ann-unsupported = This kind of message cannot be announced. Text, photo, document, video, GIF, audio or voice will do.
ann-ask_audience = Who should get it?
ann-all = 👥 All subscribers ({ $count })
ann-choose_orgs = 🏢 Choose organizations
ann-ask_orgs = Tick the organizations (subscribers in brackets):
ann-orgs_done = Done, chosen: { $count }
ann-pick_one = Tick at least one organization.
ann-ask_version = Version number? Send it (e.g. 3.2.1) and the announcement gets a "Request this version" button. Or press "No version".
ann-no_version = No version
ann-bad_version = That does not look like a version: digits, dots, letters, up to 32.
ann-audience_all = all subscribers
ann-audience_orgs = organizations: { $names }
ann-no_version_label = none
ann-preview =
    👆 This is what clients will see.
    Recipients: <b>{ $count }</b> ({ $audience }). Version: { $version }.
ann-send = 🚀 Send ({ $count })
ann-restart = ✏️ Start over
ann-stale = This button no longer works.
ann-cancelled = Announcement #{ $id } is cancelled.
ann-nobody = Announcement #{ $id }: no recipients — nobody chosen is subscribed.
ann-started =
    📣 Announcement #{ $id }: sending to { $total } { $total ->
        [one] recipient
       *[other] recipients
    }…
ann-version_suffix = {" "}(version { $version })
ann-progress =
    📣 Announcement #{ $id }{ $version }
    Sent: { $sent } of { $total }. Not delivered: { $failed }. Remaining: { $remaining }.
    Rate: { $rate } msg/s. Time to finish: ≈ { $eta }.
ann-done =
    ✅ Announcement #{ $id }{ $version } finished in { $duration }.
    Delivered: { $sent } of { $total } ({ $rate } msg/s).
ann-fail_blocked = • blocked the bot: { $count } (unsubscribed)
ann-fail_refused = • refused by Telegram: { $count } — { $reason }
ann-fail_unknown = • outcome unknown: { $count } — { $reason }. Not resent, so that nobody gets the announcement twice.
ann-finished = Announcement #{ $id } finished: delivered { $sent } of { $total }. Details above.
ann-version_topic = 📦 The client requested version { $version } from announcement #{ $id }.
ann-reason_interrupted = the bot stopped while sending
ann-reason_timeout = Telegram did not answer in time
ann-fail_skipped = • unsubscribed before their turn: { $count } (not sent)
ann-resend_unknown = 🔁 Send again to { $count } (some may get it twice)
ann-resending = Sending again: { $count }.
ann-preparing = 📣 Announcement #{ $id }: starting to send…
ann-preview_failed = Telegram refused the announcement ({ $reason }). Send another message.
ann-caption_too_long = The caption is longer than 1024 characters, which a bot cannot send. Shorten it or send the text as a separate message.

## the relay under faults and the group's budget

op-header_topic =
    📋 <b>Ticket { $number }</b> · { $type }
    Client: { $client }{ $username } (id <code>{ $client_id }</code>){ $organization }
    Priority: { $priority }
    Created: { $created }
op-description = <b>Description:</b>
op-possible_repeat = ↻ <i>possibly a repeat: Telegram did not confirm the earlier send</i>
op-delivery_unknown_resend = ⚠️ The message “{ $excerpt }” may not have reached the client: Telegram did not answer in time. It was not sent again, so that the client does not get it twice.
op-resend = 🔁 Send again
op-resent = 🔁 { $engineer } sent the message again.
op-resend_gone = This message was delivered or sent again already.
op-cannot_copy = ⚠️ A client message could not be shown here ({ $reason }): “{ $excerpt }”. The client was asked to send it another way.
op-group_refused = ⚠️ Telegram refused a bot message to the group ({ $reason }): “{ $excerpt }”.
op-queue_behind = ⏳ Messages to this group are more than a minute behind: { $waiting } waiting. Telegram lets a bot post at most { $limit } messages a minute into a group. New tickets are shown here at once and their topics follow in turn; a client's waiting messages arrive combined.
op-queue_caught_up = ✅ Messages to this group have caught up.
op-preview_title = 🆕 <b>New tickets</b> (their topics follow in turn):
op-preview_line =
    <b>{ $number }</b> · { $type } · { $priority } · { $client }
    { $description }{ $attachments }
op-preview_attachments = {"\u000A"}📎 attachments: { $count }
op-preview_hint = <i>To answer a client from here, reply to this message with text that starts with the ticket's number, e.g. “#1042 Hello…”.</i>
op-preview_which = Which ticket is this for? Start the message with its number: “#1042 text”. Tickets in that message: { $numbers }.
op-no_such_ticket = There is no ticket { $number }.
op-ui_failures_title = ⚠️ These bot replies to clients may not have arrived (or Telegram refused them). They were not sent again:
op-ui_failure_line = • to client { $chat }: “{ $excerpt }” — { $reason }
op-unknown_command = No such command; nothing was sent to the client.
op-caption_command = A command in a file's caption is not run, and this was not sent to the client. Write the command as text (or /note with a caption, for a note).
op-edit_to_command = ⚠️ The client already has this message; an edit that turns it into a command or a note was not applied to the client's copy, which stays as it was.
op-manager_unreachable = ⚠️ Could not reach the manager: { $reason }
op-preview_more =
    <b>{ $number }</b> · { $client } adds:
    { $description }{ $attachments }

## the operator group's command menu and /me

opcommands-take = Take this topic's ticket
opcommands-type = Change the ticket's type
opcommands-priority = Change the ticket's priority
opcommands-solve = Propose a solution for the client to confirm
opcommands-ask = Ask the client for information (waits for their answer)
opcommands-org = Set the client's organization
opcommands-close = Close the ticket (the client is asked to rate it)
opcommands-reopen = Reopen the ticket (in General: /reopen 1042)
opcommands-info = The ticket's card: deadlines, messages, files
opcommands-note = Internal note: the client never sees it
opcommands-article = Send the client a knowledge-base article
opcommands-me = How the bot's Russian messages speak of you: /me female, male or neutral
opcommands-kbstats = Knowledge-base searches, last 30 days
opcommands-kbreload = Reload the knowledge-base articles (admin)
opcommands-announce = Release announcement to subscribers (admin)
op-me_show =
    { $name }: the bot's Russian messages speak of you { $gender ->
        [female] in the feminine («взяла заявку»)
        [male] in the masculine («взял заявку»)
       *[other] neutrally («заявка в работе, инженер: …»)
    }. Change it: /me female, /me male or /me neutral.
op-me_set =
    Done. { $gender ->
        [female] Russian messages now say «{ $name } взяла заявку».
        [male] Russian messages now say «{ $name } взял заявку».
       *[other] Russian messages now avoid the gender: «Заявка в работе. Инженер: { $name }».
    }
op-me_unknown = I did not understand “{ $word }”. Write /me female, /me male or /me neutral.

## status words for the staff, when the first answer is due, news replies

status_staff-new = New
status_staff-in_progress = In progress
status_staff-waiting = Waiting for the client
status_staff-closed = Closed
reg-first_answer = {"\u000A"}⏱ Expect the first answer { $when }.
when-today = today by { $time }
when-tomorrow = tomorrow by { $time }
when-date = { $weekday }, { $day } { $month }{ $year }, by { $time }
when-weekday-0 = on Monday
when-weekday-1 = on Tuesday
when-weekday-2 = on Wednesday
when-weekday-3 = on Thursday
when-weekday-4 = on Friday
when-weekday-5 = on Saturday
when-weekday-6 = on Sunday
when-month-1 = January
when-month-2 = February
when-month-3 = March
when-month-4 = April
when-month-5 = May
when-month-6 = June
when-month-7 = July
when-month-8 = August
when-month-9 = September
when-month-10 = October
when-month-11 = November
when-month-12 = December
news-declined = All right, we will not send you news. To subscribe: /subscribe.
news-not_subscribed = You are not subscribed to release news, so none will come. To subscribe: /subscribe.
news-already_subscribed = 🔔 You already get release news. To stop: /unsubscribe.
op-reopen_usage = To reopen a ticket from here, give its number: /reopen 1042.

## organizations and invitations (/orgs, invitation links, the header card's organization)

opcommands-orgs = Organizations and invitations (admin)
orgs-list_title = 🏢 <b>Organizations</b>: { $count }{ $page }
orgs-list_page = {" "}· page { $page } of { $pages }
orgs-list_empty = No organizations yet. Add the first one with the button below.
orgs-list_hint = <i>Press an organization to open its card; the number is its clients.</i>
orgs-button = { $name } · 👤 { $clients }
orgs-add = ➕ Add an organization
orgs-prev = ◀️ Back
orgs-next = Next ▶️
orgs-card =
    🏢 <b>{ $name }</b>
    Kind: { $kind }{ $partner }
    Manager: { $manager }
    Contract: { $contract }
    Clients: { $clients }
    Notes: { $notes }
orgs-card_partner =
    {"\u000A"}Partner: { $partner }
    Partner's contacts: { $contacts }
orgs-kind-direct = direct client
orgs-kind-partner = partner's client
orgs-none = —
orgs-manager = { $name }{ $id }
orgs-manager_id = {" "}(id <code>{ $id }</code>)
orgs-contract_until = until { $date }
orgs-contract_ended = until { $date } — ⛔ ended
orgs-edit-name = ✏️ Name
orgs-edit-pname = 🤝 Partner
orgs-edit-pcont = ☎️ Partner's contacts
orgs-edit-mname = 👔 Manager
orgs-edit-mid = 🆔 Manager's Telegram id
orgs-edit-until = 📅 Contract until
orgs-edit-notes = 📝 Notes
orgs-make-partner = 🔁 Make it a partner's client
orgs-make-direct = 🔁 Make it a direct client
orgs-link = 🔗 Link a client
orgs-invites = ✉️ Invitations
orgs-back_list = ◀️ To the list
orgs-back_card = ◀️ To the organization
orgs-cancel = ✖️ Cancel
orgs-ask-new = 🏢 Send the new organization's name as your next message (or as a reply to this one).
orgs-ask-name = 🏢 “{ $org }”: send the new name as your next message.
orgs-ask-pname = 🏢 “{ $org }”: send the partner's name as your next message. “-” clears it.
orgs-ask-pcont = 🏢 “{ $org }”: send the partner's contacts (phone, e-mail, site) as your next message. “-” clears them.
orgs-ask-mname = 🏢 “{ $org }”: send the manager's name as your next message. “-” clears it.
orgs-ask-mid = 🏢 “{ $org }”: send the manager's Telegram id (a number; @getidsbot shows it) as your next message. The bot tells them about the organization's late tickets. “-” clears it.
orgs-ask-until = 🏢 “{ $org }”: send the contract's end date — DD.MM.YYYY or YYYY-MM-DD. “-” clears it.
orgs-ask-notes = 🏢 “{ $org }”: send the notes as your next message. “-” clears them.
orgs-ask-link = 🔗 “{ $org }”: send the client's Telegram id (the number in a ticket's card, “id …”). The client must have written to the bot at least once.
orgs-bad-empty = The value is empty. Send some text, or “-” to clear the field.
orgs-bad-too_long = Too long. Shorten it and send it again.
orgs-bad-date = “{ $value }” is not a date I understand. Write DD.MM.YYYY (e.g. 31.12.2027) or YYYY-MM-DD.
orgs-bad-user_id = “{ $value }” is not a Telegram id. Send a number (@getidsbot shows it), or “-” to clear it.
orgs-bad-exists = An organization “{ $value }” exists already. Choose another name.
orgs-bad-no_client = There is no client with id { $value }: they have not written to the bot yet. Ask them to press /start, or send them an invitation.
orgs-bad-not_text = Send the value as text.
orgs-saved = ✅ Saved.
orgs-created = ✅ Organization added.
orgs-linked = ✅ Client { $client } is linked to the organization.
orgs-moved = ✅ Client { $client } moved here from “{ $old }”.
orgs-gone = This organization no longer exists.
orgs-not_in_ticket = /orgs works outside tickets' topics: open it in the group's general topic.
orgs-invites_title = ✉️ <b>Invitations of “{ $org }”</b>
orgs-invites_none = No invitations yet.
orgs-invites_hint = <i>A link joins the client who opens it to the organization.</i>
orgs-invite_line = { $n }. { $state } · until { $expires } · used { $uses }{ $link }
orgs-invite_link = {"\u000A"}<code>{ $link }</code>
orgs-state-valid = ✅ valid
orgs-state-expired = ⌛ expired
orgs-state-revoked = 🚫 revoked
orgs-state-used_up = ☑️ used up
orgs-uses_of = { $uses } of { $max }
orgs-uses_any = { $uses } (no limit)
orgs-invite_new = ➕ New invitation
orgs-revoke = 🚫 Revoke no. { $n }
orgs-ask_uses = ✉️ “{ $org }”: how many clients may join by the invitation?
orgs-uses_button =
    { $count ->
        [one] { $count } client
       *[other] { $count } clients
    }
orgs-uses_unlimited = ♾ No limit
orgs-ask_days = ✉️ “{ $org }”: for how many days should the invitation work?
orgs-days_button =
    { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
orgs-invite_created = ✅ Invitation created — send the link to the organization's clients:
orgs-revoked = Invitation revoked.
orgs-stale = This button no longer works.
op-org_direct = {"\u000A"}Organization: { $organization } (direct client)
op-org_partner = {"\u000A"}Organization: { $organization } (partner's client{ $partner })
op-org_partner_name = {" "}“{ $partner }”
op-org_unverified = {"\u000A"}Organization: ⚠️ unverified
op-org_contract_ended = {"\u000A"}⛔ Contract ended { $date }
op-link_org = 🏢 Link to an organization
op-org_choose = 🏢 Choose the organization of client { $client }:
op-org_none = No organizations yet: an admin adds them with /orgs.
op-org_linked = The client is linked to “{ $org }”.
op-org_already = The client is in “{ $org }” already. To change it: /org name.
op-org_unknown = There is no organization “{ $name }”. An admin adds organizations (/orgs); or choose from the list: /org without a name.
op-org_created = 🏢 Organization “{ $org }” created and client { $client } linked to it. The rest about it: /orgs.
invite-joined = ✅ You are now linked to the organization “{ $org }”.
invite-already = You are already linked to the organization “{ $org }”.
invite-other = You are already linked to the organization “{ $org }”. If that is wrong, write to us — an engineer will change it.
invite-broken = ⚠️ This invitation link does not work: { $reason }. Ask your manager for a new link. You can ask questions and register tickets without it.
invite-reason-expired = it has expired
invite-reason-revoked = it was revoked
invite-reason-used_up = as many clients have joined by it as it allowed
invite-reason-unknown = there is no such link

## partners' clients and the contract notice (support-bot org import / partner routing)

reg-partner_consultation = 🤝 Consultations for your company are provided by your partner, <b>{ $partner }</b>. Please contact them.
reg-partner_contacts = {"\u000A"}The partner's contacts: { $contacts }
reg-partner_no_ticket = {"\u000A\u000A"}No ticket has been opened. If your question is of another type (an incident, for example), choose it below.
reg-contract_ended = {"\u000A\u000A"}⚠️ The support contract of { $organization } ended on { $date }. We have taken your ticket; to renew support, please contact your manager.
op-type_changed_partner = {"\u000A"}ℹ️ { $organization } is a client of the partner { $partner }: its consultations are provided by the partner. Your call.

## Hours: /time in a ticket's topic, hours in the client's cards
opcommands-time = Log time: /time 1h30m [date] [comment]; alone, the list
hours-duration = { $hours } h { $minutes } min
hours-duration_hours = { $hours } h
hours-duration_minutes = { $minutes } min
hours-decimal = { $hours } h
hours-comment = {" "}— { $comment }
hours-logged =
    ⏱ { $engineer }: { $duration } on { $date }{ $comment }
    Total for ticket { $number }: <b>{ $total }</b> ({ $decimal })
hours-list_title =
    <b>⏱ Time on ticket { $number }</b>: { $count } { $count ->
        [one] entry
       *[other] entries
    }
hours-list_line = { $date } · { $engineer } · { $duration }{ $comment }
hours-list_earlier =
    … and { $count } earlier { $count ->
        [one] entry
       *[other] entries
    }
hours-list_total = <b>Total: { $total }</b> ({ $decimal })
hours-list_hint = <i>🗑 deletes your own entry (an admin may delete any).</i>
hours-list_empty = No time logged on ticket { $number } yet. To log: /time 1h30m [date] [comment].
hours-delete_button = 🗑 { $date } · { $engineer } · { $duration }
hours-deleted = Entry deleted: { $date } · { $duration }
hours-deleted_event = 🗑 { $engineer } deleted a time entry: { $date } · { $author } · { $duration }
hours-not_yours = Only the entry's author or an admin may delete it.
hours-gone = This entry is no longer there.
hours-refused_unparseable = ⚠️ Cannot tell how much time to log: “{ $words }”. Examples: /time 1h30m exchange setup, /time 90m, /time 1.5, /time 0.25 2026-11-27 on site. A number without units is hours.
hours-refused_zero = ⚠️ Zero time is not logged: “{ $words }”.
hours-refused_negative = ⚠️ Time cannot be negative: “{ $words }”. Delete a wrong entry with its button in the /time list.
hours-refused_too_long = ⚠️ One entry cannot be more than 24 hours: “{ $words }”. Split it by days: /time 8h 2026-11-27.
hours-refused_bad_date = ⚠️ There is no such date: “{ $words }”. Write dates as 2026-11-27, 27.11.2026 or 27.11.
hours-refused_future = ⚠️ That date has not come yet: “{ $words }”. Time is logged for today or past days.
hours-refused_too_old = ⚠️ That date is more than a year ago: “{ $words }”. Time that old is not logged.
tickets-hours_suffix = {" "}· ⏱ { $hours }
tickets-hours_spent = {"\u000A"}⏱ Time spent: { $spent }
tickets-hours_billed = {"\u000A"}💳 To be billed: { $hours }

## Hours reports: the monthly act and /stats (bot/reports.py, bot/service/reports.py)
opcommands-report = Act of completed work for a month, XLSX (admin): /report 2026-11 [organization]
opcommands-stats = Tickets chart and figures for 12 weeks (admin): /stats [weeks]
report-act_title = Act of completed work — { $org }
report-summary_title = Act of completed work — summary
report-period = { $month } { $year }
report-month-1 = January
report-month-2 = February
report-month-3 = March
report-month-4 = April
report-month-5 = May
report-month-6 = June
report-month-7 = July
report-month-8 = August
report-month-9 = September
report-month-10 = October
report-month-11 = November
report-month-12 = December
report-no_org = No organization
report-summary = Summary
report-col-number = Ticket
report-col-client = Client
report-col-type = Type
report-col-subject = Subject
report-col-opened = Opened
report-col-closed = Closed
report-col-engineers = Engineers
report-col-hours = Hours
report-col-org = Organization
report-col-tickets = Tickets
report-total = Total
report-chart_title = Tickets per week: { $start } — { $end }
report-opened = Opened
report-closed = Closed
report-week = Week starting Monday
report-fr = First response in time: { $share } ({ $met } of { $judged })
report-rating = Average rating: { $rating } ({ $count } { $count ->
        [one] rating
       *[other] ratings
    })
report-kb = Answered by the knowledge base: { $share } ({ $answered } of { $questions } questions)
report-none = —
op-report_usage = The act for a month: /report 2026-11 or /report 2026-11 Acme Ltd (without a month: last month).
op-report_no_org = There is no organization “{ $name }”.
op-report_empty = No billable hours in { $period }: no consultation has time logged.
op-report_caption = 📄 Act of completed work, { $period }: { $groups } org., { $tickets } { $tickets ->
        [one] ticket
       *[other] tickets
    }, { $hours } h.
op-stats_usage = The figures for the last weeks: /stats or /stats 8 (1 to { $max } weeks).
op-stats_caption = 📊 Tickets and figures for { $weeks } weeks ({ $start } — { $end })
    Opened: { $opened }, closed: { $closed }
    { $fr }
    { $rating }
    { $kb }

"""The sandbox: the whole desk in a browser, without Telegram.

One process runs the project's Bot API emulator, the real application pointed at it (the
same ``bot.app.serve`` as production, through ``TELEGRAM_API_URL``) and a web page that shows
the emulator's chats as Telegram would: a client's private chat and the operator group.
"""

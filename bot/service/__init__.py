"""The desk's use cases, between the handlers and storage.

A handler parses its Telegram update into plain values (an :class:`~bot.service.origin.Origin`
saying where a command came from, the command's arguments, a described message) and calls one
function here. That function opens and owns its unit of work (``desk.unit()``), applies the
desk's rules (``desk/``), reads and writes rows through ``storage/`` and records the messages
its change causes, the acknowledgement of the command included, through ``unit.out``. It
returns a small result when the handler still has something to say (a button's alert).

Nothing here reads a Telegram update, and no module here imports a handler.
"""

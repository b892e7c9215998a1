"""The desk's use cases, between the handlers (which speak Telegram) and storage: each opens
and owns its transaction, applies the rules of ``desk/`` and records the messages it sends."""

"""``python -m bot`` is ``support-bot``."""

from bot.cli import main

raise SystemExit(main())

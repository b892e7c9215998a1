"""Crash points for fault tests: the process kills itself at a named moment.

Inert unless ``BOT_FAILPOINT`` is set in the environment, e.g. ``record_stored`` or
``send_accepted=copyMessage`` (the part after ``=`` must appear in the point's detail). Each
is one-shot: the process dies with SIGKILL the first time the point is reached, exactly as a
machine losing power would, so tests can prove what survives (see ``tests/faults/``).

Points: ``update_stored`` (an update is in the inbox, not yet handled), ``record_stored``
(a handler's outgoing records are committed, not yet sent), ``send_accepted`` (Telegram
accepted a send, its outcome not yet recorded), ``update_handled`` (an update is handled and
recorded, its offset not yet confirmed to Telegram).
"""

from __future__ import annotations

import logging
import os
import signal

logger = logging.getLogger(__name__)

_SPEC = os.environ.get("BOT_FAILPOINT", "").strip()
_NAME, _, _MATCH = _SPEC.partition("=")
_armed = bool(_NAME)


def failpoint(name: str, detail: str = "") -> None:
    """Dies here if this is the armed point (and `detail` contains its match)."""
    global _armed
    if not _armed or name != _NAME or (_MATCH and _MATCH not in detail):
        return
    _armed = False
    logger.critical("failpoint %s reached (%s): killing the process", name, detail)
    for handler in logging.getLogger().handlers:
        handler.flush()
    os.kill(os.getpid(), signal.SIGKILL)

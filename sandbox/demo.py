"""Demo data (being written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.runner import Sandbox


async def fill(sandbox: Sandbox) -> None:
    """Fills the desk so every feature shows."""

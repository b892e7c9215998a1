"""Progress of long work: a callback type for library code and a terminal bar for the CLI.

Library code (the embedding cache, the matcher, the knowledge base) knows nothing about
terminals: it accepts an optional :data:`ProgressCallback` and calls it with
``(done, total)`` as work is done. The CLI passes a :class:`Progress`, which is such a
callback and draws a one-line bar on a terminal::

    with Progress("embedding articles", stream=sys.stderr) as bar:
        kb.rebuild(aliases, progress=bar)

The bar draws only when its stream is a TTY: on a pipe, in a file or in a log it writes
nothing at all (not even a final line), so redirected output and logs stay clean. It shows
up only after ``delay`` seconds of work (fast work shows nothing), redraws at most once per
``interval`` with ``\\r``, and on close redraws its final state and ends the line (or,
with ``leave=False``, blanks it). No dependencies beyond the standard library.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Final, TextIO

ProgressCallback = Callable[[int, int], None]
"""Called with ``(done, total)``: `done` units of `total` are finished."""


def _no_progress(done: int, total: int) -> None:
    """Ignores the report."""


NULL_PROGRESS: Final[ProgressCallback] = _no_progress
"""A progress callback that does nothing."""

DELAY: Final = 1.0  # seconds of work before the bar appears
INTERVAL: Final = 0.1  # seconds between redraws (at most ten a second)


def _duration(seconds: float) -> str:
    """``42s``, ``3:07``, ``1:02:03``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


class Progress:
    """A terminal progress bar for `total` units of work labelled `label`.

    Call it as a :data:`ProgressCallback` (``bar(done, total)``), or use :meth:`update`
    (absolute count) and :meth:`advance` (increment). `total` may be 0 at first and given
    later by a report. Work starts when the bar is made, and starts again at a report of
    0 done while nothing is done yet, so a wait before the work (loading a model) counts
    neither in the delay nor in the ETA. `stream` defaults to ``sys.stderr`` at creation;
    `clock` (seconds, monotonic) is there for tests.
    """

    def __init__(
        self,
        label: str,
        total: int = 0,
        *,
        stream: TextIO | None = None,
        delay: float = DELAY,
        interval: float = INTERVAL,
        leave: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = max(0, total)
        self.done = 0
        self.stream: TextIO = stream if stream is not None else sys.stderr
        self.delay = delay
        self.interval = interval
        self.leave = leave
        self._clock = clock
        self._enabled = _is_tty(self.stream)
        self._start = clock()
        self._last_draw: float | None = None
        self._drawn_width = 0
        self._drawn_state = (0, 0)
        self._closed = False

    # --- reporting ---------------------------------------------------------------------------

    def __call__(self, done: int, total: int) -> None:
        """The :data:`ProgressCallback` form of :meth:`update`."""
        self.update(done, total)

    def update(self, done: int, total: int | None = None) -> None:
        """`done` units are finished (of `total`, when it is given)."""
        if self._closed:
            return
        if total is not None:
            self.total = max(0, total)
        done = max(0, done)
        if done == 0 and self.done == 0:
            self._start = self._clock()
        self.done = done
        self._maybe_draw()

    def advance(self, n: int = 1) -> None:
        """`n` more units are finished."""
        self.update(self.done + n)

    def close(self) -> None:
        """Ends the bar's line (with its final state, or blank if `leave` is false), if the
        bar was ever drawn; nothing otherwise. Later reports are ignored."""
        if self._closed:
            return
        self._closed = True
        if self._last_draw is None:
            return
        if self.leave:
            if (self.done, self.total) != self._drawn_state:
                self._draw(self._clock())
            self._write("\n")
        else:
            self._write("\r" + " " * self._drawn_width + "\r")

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- drawing -----------------------------------------------------------------------------

    def _maybe_draw(self) -> None:
        if not self._enabled:
            return
        now = self._clock()
        if now - self._start < self.delay:
            return
        finished = self.total > 0 and self.done >= self.total
        if self._last_draw is not None and now - self._last_draw < self.interval and not finished:
            return
        self._draw(now)

    def _draw(self, now: float) -> None:
        self._last_draw = now
        self._drawn_state = (self.done, self.total)
        line = self.render(now)
        pad = " " * max(0, self._drawn_width - len(line))
        self._drawn_width = len(line)
        self._write("\r" + line + pad)

    def render(self, now: float | None = None, width: int | None = None) -> str:
        """The bar's line: label, bar, done/total, percent and ETA (elapsed time when done)."""
        if now is None:
            now = self._clock()
        if width is None:
            width = shutil.get_terminal_size(fallback=(80, 24)).columns
        total = self.total
        done = min(self.done, total) if total else self.done
        fraction = done / total if total else 0.0
        elapsed = max(0.0, now - self._start)
        if total and done >= total:
            tail = _duration(elapsed)
        elif done and elapsed > 0:
            tail = f"ETA {_duration(elapsed / done * (total - done))}"
        else:
            tail = "ETA --"
        counts = f"{done}/{total}" if total else f"{done}"
        stats = f" {counts} {int(fraction * 100):3d}% {tail}"  # 100% only when done
        # One column short of the terminal: a full-width line wraps on some terminals,
        # and then \r no longer returns to the bar's start.
        room = width - 1 - len(self.label) - len(stats) - 3
        bar_width = min(30, room)
        if bar_width >= 5:
            filled = int(bar_width * fraction)
            return f"{self.label} [{'#' * filled}{'.' * (bar_width - filled)}]{stats}"
        return f"{self.label}{stats}"[: max(0, width - 1)]

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken terminal is no reason to fail
            self._enabled = False

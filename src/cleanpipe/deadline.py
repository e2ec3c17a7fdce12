"""A per-document time limit for the single-process path.

In the main thread of a process on a POSIX system, :func:`deadline` arms ``SIGALRM``
(``setitimer``) so that a document over its time limit is interrupted wherever its
Python code is, and :class:`DocumentTimeout` is raised. Elsewhere (another thread,
Windows, or an outer ``SIGALRM`` timer already running) it falls back to
:meth:`Deadline.check`, which the pipeline calls between stages: the document is
still stopped and reported, but only once the running stage returns.

What a signal cannot do: interrupt C code that does not come back to the
interpreter (a hang inside lxml's parser, say). Python's ``re`` and the ``regex``
module do check for signals, so a long regex search is stopped. For a guarantee
against C-level hangs, run documents in worker processes that are killed when
late, as the batch engine's process pool does.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DocumentTimeout(BaseException):
    """A document took longer than ``limits.time_limit``.

    A ``BaseException`` on purpose: third-party code (trafilatura, htmldate) wraps
    much of its work in ``except Exception``, which would swallow an ordinary
    exception and carry on. It is not a ``TimeoutError`` either, which the chrome
    stage catches from ``regex`` as "no match".
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"document took longer than limits.time_limit ({seconds:g} s)")
        self.seconds = seconds


# If the first interruption is swallowed by a bare ``except:``, fire again this often.
_REFIRE = 0.05


class Deadline:
    """When a document must be done, and whether a signal enforces it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.active = True
        self.uses_signal = False

    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def check(self) -> None:
        """Raise :class:`DocumentTimeout` if the time is up (the cooperative fallback)."""
        if self.active and self.expired():
            raise DocumentTimeout(self.seconds)


def _can_use_signal() -> bool:
    if not hasattr(signal, "setitimer"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    # Another timer is running (an outer deadline, or the host program's): leave it be.
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Raise :class:`DocumentTimeout` in the body once ``seconds`` have passed."""
    state = Deadline(seconds)
    if not _can_use_signal():
        yield state
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if state.active:
            raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    state.uses_signal = True
    signal.setitimer(signal.ITIMER_REAL, seconds, _REFIRE)
    try:
        yield state
    finally:
        # The alarm may fire again while we disarm it: retry until it is off.
        while True:
            try:
                state.active = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except DocumentTimeout:
                continue

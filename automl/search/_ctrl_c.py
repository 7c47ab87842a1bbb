"""Ctrl-C during a search, caught even where Python would swallow it."""

from __future__ import annotations

import signal
import threading


class CtrlC:
    """While a search runs in the main thread, Ctrl-C raises ``KeyboardInterrupt`` as usual and
    is also remembered: when it lands where Python swallows exceptions (a finalizer the garbage
    collector runs), the next finished trial raises it again. A handler of the user's own is
    left alone."""

    def __init__(self):
        self.pressed = False
        self._previous = None

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        self.pressed = True
        raise KeyboardInterrupt

    def __exit__(self, *exc_info) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

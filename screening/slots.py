"""At most N analyses at once per server process; the rest wait in a first-come queue that knows positions."""
from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator

from screening.core.errors import AnalysisError, Cancelled

SLOTS_ENV, QUEUE_ENV = "KNEESCREEN_MAX_ANALYSES", "KNEESCREEN_MAX_QUEUE"
#: Peak memory of one analysis, lite model, annotated video drawn: 0.42-0.62 GB measured with
#: `python -m screening.bench` (README, "Speed and memory"); rounded up for the Python/Streamlit overhead.
ANALYSIS_GB = 0.8
RESERVE_GB = 1.0              # left for the server itself, the uploads held in memory and the OS
MAX_QUEUE = 20                # waiting analyses; one more is told the server is busy
MAX_WAIT_S = 10 * 60          # nobody waits longer than this for a slot
BUSY = "The server is busy: {running} {verb} running and {waiting} {wverb} waiting."
BUSY_FIX = "Try again in a few minutes. Your video was not kept."


def _busy(slots: "Slots") -> AnalysisError:
    running, waiting = slots.status()
    text = BUSY.format(running=running, verb="analysis is" if running == 1 else "analyses are",
                       waiting=waiting, wverb="is" if waiting == 1 else "are")
    return AnalysisError(text, "busy", BUSY_FIX)


def _available_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024 ** 2
    except (OSError, ValueError, IndexError):
        pass
    return None


def _env_int(name: str) -> int | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {text[:20]!r}")
    return int(text)


def default_capacity() -> int:
    """N: KNEESCREEN_MAX_ANALYSES if set, else one per core, fewer if memory would not hold them."""
    n = _env_int(SLOTS_ENV)
    if n is not None:
        return n
    n = os.cpu_count() or 1
    gb = _available_gb()
    if gb is not None:
        n = min(n, int((gb - RESERVE_GB) / ANALYSIS_GB))
    return max(1, n)


class Slots:
    """A counting semaphore with a visible FIFO queue (thread-safe; one per process)."""

    def __init__(self, capacity: int, max_queue: int = MAX_QUEUE):
        self.capacity, self.max_queue = capacity, max_queue
        self._cv = threading.Condition()
        self._running = 0
        self._queue: list[object] = []

    def status(self) -> tuple[int, int]:
        """(running, waiting)."""
        with self._cv:
            return self._running, len(self._queue)

    def join(self) -> object | None:
        """A place at the back of the queue, or None when the queue is full."""
        with self._cv:
            if len(self._queue) >= self.max_queue:
                return None
            ticket = object()
            self._queue.append(ticket)
            return ticket

    def position(self, ticket: object) -> int:
        """1 for the next in line."""
        with self._cv:
            return self._queue.index(ticket) + 1

    def wait(self, ticket: object, timeout: float) -> bool:
        """Up to `timeout` s for this ticket's turn; True once it holds a slot (then call release())."""
        with self._cv:
            ok = self._cv.wait_for(lambda: self._queue[0] is ticket and self._running < self.capacity, timeout)
            if ok:
                self._queue.pop(0)
                self._running += 1
                self._cv.notify_all()
            return ok

    def leave(self, ticket: object) -> None:
        with self._cv:
            if ticket in self._queue:
                self._queue.remove(ticket)
                self._cv.notify_all()

    def release(self, n: int = 1) -> None:
        with self._cv:
            self._running -= n
            self._cv.notify_all()

    def grab(self, most: int) -> int:
        """Take up to `most` more slots that are free right now and wanted by nobody waiting; how many."""
        with self._cv:
            n = max(0, min(most, self.capacity - self._running)) if not self._queue else 0
            self._running += n
            return n


_shared: Slots | None = None
_shared_lock = threading.Lock()


def shared() -> Slots:
    """This process's slots, made on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Slots(default_capacity(), _env_int(QUEUE_ENV) or MAX_QUEUE)
        return _shared


@contextlib.contextmanager
def turn(slots: Slots, say: Callable[[str, float, str], None] | None = None,
         should_cancel: Callable[[], bool] | None = None, max_wait_s: float = MAX_WAIT_S) -> Iterator[None]:
    """Hold one slot for the body. While waiting, say('queue', 0, 'You are number k in the queue ...') every
    second; raises AnalysisError('busy') when the queue is full or the wait too long, Cancelled when asked."""
    ticket = slots.join()
    if ticket is None:
        raise _busy(slots)
    deadline, shown = time.monotonic() + max_wait_s, None
    try:
        while not slots.wait(ticket, 0.0 if shown is None else 0.5):
            if should_cancel is not None and should_cancel():
                raise Cancelled()
            if time.monotonic() > deadline:
                raise _busy(slots)
            pos = slots.position(ticket)
            if pos != shown:
                shown = pos
                if say is not None:
                    say("queue", 0.0, f"you are number {pos} in the queue ({slots.capacity} "
                                      f"{'analysis runs' if slots.capacity == 1 else 'analyses run'} at once here)")
    except BaseException:
        slots.leave(ticket)
        raise
    try:
        yield
    finally:
        slots.release()

"""The queue audit appends wait in on SQLite, shared by the threads and processes serving one database file.

SQLite lets one writer in at a time and makes the others wait in its busy handler, which sleeps 1, 2, 5, 10 ...
100 ms between tries. With every request appending an audit entry, that polling starved whoever lost a race:
under 16 connections on 2 workers, a plan read waited 150-250 ms for the lock at the 99th percentile while the
lock itself was held for under half a millisecond (benchmarks/api.py). Here the appenders queue instead: the
threads of a process on a plain lock, then the processes on an advisory file lock next to the database
(`<database>.audit-lock`), which the kernel hands to the next waiter as soon as it is released. Only the
appender at the front of the queue asks SQLite for its write lock, which is then free unless some other
transaction is writing (it is not made to wait behind the queue, see repository.lock_for_append).

Without fcntl (Windows) or for an in-memory database there is only the thread lock.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on the Linux servers this runs on
    fcntl = None  # type: ignore[assignment]


class AppendQueue:
    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
        self._path = None if in_memory or fcntl is None else Path(f"{database}.audit-lock")
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        self._threads.acquire()
        try:
            if self._path is not None:
                fcntl.flock(self._file(), fcntl.LOCK_EX)  # blocks without holding the GIL
        except BaseException:
            self._threads.release()
            raise

    def try_acquire(self) -> bool:
        """`acquire` if nobody holds the queue now; False, holding nothing, if someone does."""
        if not self._threads.acquire(blocking=False):
            return False
        try:
            if self._path is not None:
                fcntl.flock(self._file(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._threads.release()
            return False
        except BaseException:
            self._threads.release()
            raise
        return True

    def release(self) -> None:
        try:
            if self._path is not None and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _file(self) -> int:
        # One descriptor per process, opened in it: a descriptor inherited across fork() would share its lock
        # with the parent instead of excluding it.
        if self._fd is None or self._pid != os.getpid():
            assert self._path is not None
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd


_queues: dict[str | None, AppendQueue] = {}
_queues_guard = threading.Lock()


def queue_for(database: str | None) -> AppendQueue:
    """The queue of one SQLite database file (its path as the engine's URL names it)."""
    with _queues_guard:
        found = _queues.get(database)
        if found is None:
            found = _queues[database] = AppendQueue(database)
        return found

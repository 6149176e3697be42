"""The audit entries of reads, committed to the chain in batches (group commit) before the answers leave.

A request that only read still owes the trail an entry, and the answer must not leave before that entry is
durably in the chain. Committing each read's entry in a write transaction of its own costs every read the
append lock, a read of the chain's head, an insert and a commit, and the lock is held until the commit is on
disk: where a commit waits for the disk (PostgreSQL), reads could go no faster than the disk flushes, one at a
time (web/app.py says where this is used, and why not on SQLite). Here one thread per process
(`ReadAuditAppender`) links whatever read entries have queued into the chain and commits them in one
transaction, and each request waits for its entries' batch before its answer is sent (web/audit_gate.py).
Under load a batch holds the reads of several requests; alone, a read waits for its own commit, as before.

Only a transaction that wrote nothing hands its entries over (`take_read_entries`). A transaction that wrote
keeps them, and they commit or roll back with the change they describe (audit/service.py, `seal_pending`).
"Wrote" is judged by the statements the transaction sent: anything that is not a SELECT counts, so a doubtful
case takes the old path, never the new one.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from exohair.features.audit.service import commit_entries, pending_entries, take_pending

log = logging.getLogger(__name__)
_WROTE = "exohair.audit.wrote"  # Connection.info key: this transaction sent something other than a SELECT
MAX_BATCH = 500  # entries per transaction: a burst after a stall does not become one huge insert


@event.listens_for(Session, "after_begin")
def _reset_on_begin(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    # Connection.info outlives the checkout (it belongs to the pooled connection): start each transaction clean.
    connection.info[_WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(
    connection: Connection, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[_WROTE] = True


def take_read_entries(session: Session) -> list[dict[str, Any]] | None:
    """The entries queued on `session` if its transaction wrote nothing (they are removed from it), else None."""
    if not pending_entries(session):
        return None
    if session.connection().info.get(_WROTE, True):
        return None
    return take_pending(session)


class ReadAuditAppender:
    """One per process and database: commits queued read entries in batches on a thread of its own."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._ready = threading.Condition()
        self._queue: list[tuple[list[dict[str, Any]], Future[None]]] = []
        self._pid = 0  # the process that started the thread; a forked child starts its own

    def submit(self, entries: list[dict[str, Any]]) -> Future[None]:
        """Queue `entries`; the future completes once they are committed (or fails with the reason they were not)."""
        future: Future[None] = Future()
        with self._ready:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._queue = []
                threading.Thread(target=self._run, name="exohair-read-audit", daemon=True).start()
            self._queue.append((entries, future))
            self._ready.notify()
        return future

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    self._ready.wait()
                batch: list[tuple[list[dict[str, Any]], Future[None]]] = []
                count = 0
                while self._queue and (not batch or count + len(self._queue[0][0]) <= MAX_BATCH):
                    entries, future = self._queue.pop(0)
                    batch.append((entries, future))
                    count += len(entries)
            self._commit(batch)

    def _commit(self, batch: list[tuple[list[dict[str, Any]], Future[None]]]) -> None:
        try:
            with self._engine.connect() as connection:
                commit_entries(connection, [entry for entries, _ in batch for entry in entries])
        except Exception as error:  # every waiting request answers 503; the reason goes to the log, no patient data
            log.error("could not commit %d read audit entries: %s", sum(len(e) for e, _ in batch), type(error).__name__)
            for _, future in batch:
                future.set_exception(error)
            return
        for _, future in batch:
            future.set_result(None)

"""SQLite whose writers queue in the kernel instead of polling.

SQLite lets one writer in at a time. A second one that finds the database locked sleeps
and retries (1, 2, 5, 10, 15, 20, 25 … ms), so under concurrent writes a worker often
sleeps for milliseconds after the lock was already free: on 2 cores the two gunicorn
workers spent a quarter of the time idle that way.

Here a transaction (Django opens every one with `BEGIN IMMEDIATE`) first takes an
exclusive `flock` on `<database>.writer.lock`, and gives it back when the transaction
ends (commit, rollback, or the connection closing). A waiting writer blocks in the
kernel and is woken the moment the previous one finishes, in every process that uses
the database (web workers, job workers, commands). A process that dies releases its
lock with it, so a killed worker never blocks the others. Statements outside a
transaction and in-memory databases keep SQLite's own locking.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_held = False

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}.writer.lock"

    def _writer_acquire(self) -> None:
        if self._writer_held:
            return
        if self._writer_fd is None:
            path = self._writer_lock_path()
            if path is None:
                return
            self._writer_fd = os.open(
                path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600
            )
        fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
        self._writer_held = True

    def _writer_release(self) -> None:
        if self._writer_held:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self) -> None:
        self._writer_acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._writer_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._writer_release()

    def _set_autocommit(self, autocommit: bool) -> None:
        super()._set_autocommit(autocommit)
        if autocommit:
            self._writer_release()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._writer_release()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None

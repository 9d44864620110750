"""The SQLite backend's writers' queue: a transaction holds the lock file, a second
writer waits for it in the kernel and goes on the moment the first one ends."""

import fcntl
import os
import threading
import time

import pytest
from django.db.utils import ConnectionHandler


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """A file database of its own (the test database may be PostgreSQL or in memory);
    one connection per thread, as in a web worker."""
    with django_db_blocker.unblock():
        yield from _file_database(tmp_path)


def _file_database(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "queue.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "anju.core.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            }
        }
    )
    setup = handler["default"]
    with setup.cursor() as cur:
        cur.execute("CREATE TABLE entry (who TEXT)")
    setup.close()
    yield handler, f"{path}.writer.lock"
    handler.close_all()


def _begin(conn) -> None:  # type: ignore[no-untyped-def]
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _end(conn, how: str) -> None:  # type: ignore[no-untyped-def]
    getattr(conn, how)()
    conn.set_autocommit(True)


def _locked(lock_path: str) -> bool:
    fd = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.mark.parametrize("how", ["commit", "rollback"])
def test_a_transaction_holds_the_writer_lock_until_it_ends(database, how):
    handler, lock_path = database
    conn = handler["default"]
    _begin(conn)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO entry VALUES ('a')")
    assert _locked(lock_path)
    _end(conn, how)
    assert not _locked(lock_path)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM entry")
        assert cur.fetchone()[0] == (1 if how == "commit" else 0)


def test_closing_a_connection_mid_transaction_frees_the_lock(database):
    handler, lock_path = database
    conn = handler["default"]
    _begin(conn)
    assert _locked(lock_path)
    conn.close()
    assert not _locked(lock_path)


def test_a_second_writer_waits_for_the_first_and_then_writes(database):
    handler, lock_path = database
    first = handler["default"]
    _begin(first)
    with first.cursor() as cur:
        cur.execute("INSERT INTO entry VALUES ('first')")
    order: list[str] = []

    def second_writer() -> None:
        conn = handler["default"]  # this thread's own connection
        _begin(conn)
        order.append("second began")
        with conn.cursor() as cur:
            cur.execute("INSERT INTO entry VALUES ('second')")
        _end(conn, "commit")
        conn.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)
    # the second writer is still queued: it did not start a transaction beside ours
    assert order == []
    order.append("first committed")
    _end(first, "commit")
    thread.join(timeout=10)
    assert order == ["first committed", "second began"]
    with first.cursor() as cur:
        cur.execute("SELECT who FROM entry ORDER BY rowid")
        assert [r[0] for r in cur.fetchall()] == ["first", "second"]


def test_in_memory_databases_keep_sqlite_locking(django_db_blocker):
    handler = ConnectionHandler(
        {"default": {"ENGINE": "anju.core.backends.sqlite3", "NAME": ":memory:"}}
    )
    with django_db_blocker.unblock():
        conn = handler["default"]
        _begin(conn)
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
        _end(conn, "commit")
        assert conn._writer_fd is None
        handler.close_all()

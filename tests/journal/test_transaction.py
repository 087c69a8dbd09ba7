"""Writes are whole or nothing, and hold the write lock from their first statement."""

from __future__ import annotations

import sqlite3

import pytest

from cashier.journal.transaction import immediate_transaction


def connect(path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=0.1)


def test_a_block_that_raises_leaves_nothing_and_one_that_ends_commits(tmp_path):
    conn = connect(tmp_path / "db.sqlite")
    conn.execute("CREATE TABLE t (n INTEGER)")
    with pytest.raises(ValueError), immediate_transaction(conn):
        conn.execute("INSERT INTO t VALUES (1)")
        raise ValueError("half-way")
    with immediate_transaction(conn):
        conn.execute("INSERT INTO t VALUES (2)")
    assert [row[0] for row in connect(tmp_path / "db.sqlite").execute("SELECT n FROM t")] == [2]


def test_another_writer_waits_from_the_first_statement(tmp_path):
    first, second = connect(tmp_path / "db.sqlite"), connect(tmp_path / "db.sqlite")
    first.execute("CREATE TABLE t (n INTEGER)")
    with immediate_transaction(first), pytest.raises(sqlite3.OperationalError, match="locked"):
        with immediate_transaction(second):
            pass  # refused at BEGIN, before any statement of its own

"""The one way this project writes to SQLite: ``BEGIN IMMEDIATE`` ... ``COMMIT``, whole or nothing.

``BEGIN IMMEDIATE`` takes the database's write lock at the start, so another process writing the
same file waits for it (up to the connection's busy timeout) instead of failing half-way through.
The connection must be in autocommit mode (``isolation_level=None``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator


@contextlib.contextmanager
def immediate_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Commit what the block did, or roll all of it back if the block raised."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")

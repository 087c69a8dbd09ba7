"""A throwaway PostgreSQL for the store tests (``benchmarks.pgserver``), stopped at the end of
the session. Tests skip, saying why, only when the server's programs are not installed
(``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import psycopg
import pytest

from benchmarks.pgserver import PgServer, scratch_root, server_programs


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = server_programs()
    if bin_dir is None:
        pytest.skip("the PostgreSQL server is not installed (Debian: apt-get install postgresql)")
    root = scratch_root()
    try:
        server = PgServer(bin_dir, root)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def store_url(pg_server: PgServer) -> Iterator[str]:
    """An empty store database of its own for each test."""
    name = f"store_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


_numbers = iter(range(1_000_000))

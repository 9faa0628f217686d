"""A scratch database for one benchmark run: a SQLite file, or a PostgreSQL database created and dropped."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def scratch_database(url: str | None, workdir: Path, *, file: str = "bench.db") -> Iterator[str]:
    """A fresh SQLite file in `workdir`, or a temporary database on the PostgreSQL server of `url` (dropped at exit)."""
    if not url:
        yield f"sqlite:///{workdir / file}"
        return
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"xiangan_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

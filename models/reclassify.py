"""How far the re-classification against each list version has come: chunks commit, a crash resumes."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel, select


class ReclassifyRun(SQLModel, table=True):
    """One list version's re-classification: the last declaration done and the counts so far."""

    __tablename__ = "reclassify_run"

    list_id: int = Field(primary_key=True, foreign_key="risk_list.id")
    after_id: int = 0  # declarations are done in id order; every one up to this id is done
    checked: int = 0
    upgraded: int = 0
    proposed: int = 0
    unchanged: int = 0
    started_at: dt.datetime
    finished_at: dt.datetime | None = None


def start_run(session: Session, *, list_id: int, now: dt.datetime) -> ReclassifyRun:
    """The run for a list version just stored."""
    run = ReclassifyRun(list_id=list_id, started_at=now)
    session.add(run)
    session.flush()
    return run


def locked_run(session: Session, *, list_id: int) -> ReclassifyRun | None:
    """The run for that version, locked so that two processes never do the same chunk."""
    return session.execute(
        select(ReclassifyRun).where(ReclassifyRun.list_id == list_id).with_for_update()
    ).scalar_one_or_none()


def advance(session: Session, *, run: ReclassifyRun, after_id: int, counts: dict[str, int]) -> None:
    """A chunk is done: move past its last declaration and add its counts."""
    run.after_id = after_id
    for name, n in counts.items():
        setattr(run, name, getattr(run, name) + n)
    session.add(run)
    session.flush()


def finish(session: Session, *, run: ReclassifyRun, now: dt.datetime) -> None:
    """Every active declaration is done."""
    run.finished_at = now
    session.add(run)
    session.flush()

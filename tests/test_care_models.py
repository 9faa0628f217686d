"""The care tables' data API: conditional round updates, closing a record once, outbox keys in chunks."""

from __future__ import annotations

from sqlalchemy import select

from models.care import (
    SamplingRound,
    carers_of,
    mark_round_done,
    mark_round_missed,
    mark_round_not_done,
    release_care,
    rounds_of,
)
from models.db import transaction
from models.outbox import enqueue, queued_keys
from models.quarantine import close_quarantine, quarantine_by_id
from models.sql import Sql
from tests.test_care_four import FOUR, bind, isolate, local, quarantine_of


def _first_round(db, quarantine_id: int) -> int:
    with transaction(db) as session:
        return rounds_of(session, quarantine_id=quarantine_id)[0].id


def _round(db, sampling_id: int) -> SamplingRound:
    with transaction(db) as session:
        return session.execute(select(SamplingRound).where(SamplingRound.id == sampling_id)).scalar_one()


def test_a_round_is_done_once_and_a_done_round_is_never_missed(server):
    db = server.state.db
    bind(db)
    quarantine = quarantine_of(db, isolate(db, "cm-a", "张桂兰"))
    sampling_id = _first_round(db, quarantine.id)
    with transaction(db) as session:
        sql = Sql(session.connection())
        assert mark_round_not_done(sql, sampling_id=sampling_id, note="家里没人", now=local(6, 11))
        assert not mark_round_missed(sql, sampling_id=sampling_id, now=local(6, 18))  # already escalated
        assert mark_round_done(sql, sampling_id=sampling_id, person_id=quarantine.person_id, now=local(6, 19))
        assert not mark_round_done(sql, sampling_id=sampling_id, person_id=quarantine.person_id, now=local(6, 20))
        assert not mark_round_not_done(sql, sampling_id=sampling_id, note="又没人", now=local(6, 21))
    found = _round(db, sampling_id)
    assert (found.status, found.note) == ("done", "家里没人")


def test_a_record_closes_once_and_its_care_is_released(server):
    db = server.state.db
    bind(db)
    quarantine = quarantine_of(db, isolate(db, "cm-b", "李建国"))
    with transaction(db) as session:
        sql = Sql(session.connection())
        assert len(carers_of(sql, quarantine_id=quarantine.id)) == len(FOUR)
        assert close_quarantine(sql, quarantine_id=quarantine.id, now=local(20))
        assert not close_quarantine(sql, quarantine_id=quarantine.id, now=local(21))
        assert release_care(sql, quarantine_id=quarantine.id, now=local(20)) == len(FOUR)
        assert carers_of(sql, quarantine_id=quarantine.id) == []
    with transaction(db) as session:
        assert quarantine_by_id(session, quarantine_id=quarantine.id).status == "ended"


def test_queued_keys_are_found_beyond_one_chunk(server):
    db = server.state.db
    keys = [f"cm:{n}" for n in range(0, 1200, 2)]
    with transaction(db) as session:
        sql = Sql(session.connection())
        for key in keys:
            enqueue(sql, key=key, recipient_openid="cm-c", kind="notice", text="好", now=local(6))
    with transaction(db) as session:
        asked = [f"cm:{n}" for n in range(1200)]
        assert queued_keys(Sql(session.connection()), keys=asked) == set(keys)

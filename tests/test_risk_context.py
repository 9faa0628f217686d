"""The latest list reaches the dialogue without a message ever waiting for it to load."""

from __future__ import annotations

from bot.risk import RiskContext
from models.db import make_engine, transaction
from tests.support.barriers import until
from tests.support.live import PROJECT
from town.policy import load_policy
from town.riskareas import import_list

AUG5 = PROJECT / "tests/fixtures/riskareas/2021-08-05-10.txt"


def test_a_watcher_picks_up_a_new_version_in_the_background(database_url, server):
    db = make_engine(database_url)
    risk = RiskContext(load_policy(PROJECT / "data/policy.toml"), check_every=0.05)
    with transaction(db) as session:
        assert risk.current(session) == (None, None)
    thread, stop = risk.watch(db)
    try:
        result = import_list(db, AUG5)
        until(lambda: risk.list_info is not None)
        assert risk.list_info.id == result.list_id
        with transaction(db) as session:
            index, info = risk.current(session)
        assert info.id == result.list_id and index.match("河南省", "郑州市", "二七区", "长江路街道") is not None
    finally:
        stop.set()
        thread.join(timeout=5)
        db.dispose()
    assert not thread.is_alive()


def test_without_a_watcher_the_version_is_checked_on_use_after_the_interval(database_url, server):
    db = make_engine(database_url)
    now = [0.0]
    risk = RiskContext(load_policy(PROJECT / "data/policy.toml"), check_every=60, clock=lambda: now[0])
    try:
        with transaction(db) as session:
            assert risk.current(session) == (None, None)
        result = import_list(db, AUG5)
        with transaction(db) as session:
            assert risk.current(session) == (None, None)  # checked less than a minute ago
            now[0] = 61
            assert risk.current(session)[1].id == result.list_id
    finally:
        db.dispose()


def test_a_stored_classification_never_uses_a_list_older_than_the_newest(database_url, server):
    db = make_engine(database_url)
    risk = RiskContext(load_policy(PROJECT / "data/policy.toml"), check_every=3600)
    try:
        with transaction(db) as session:
            assert risk.current(session) == (None, None)
        thread, stop = risk.watch(db)  # as in serve; asleep for an hour here
        result = import_list(db, AUG5)
        with transaction(db) as session:
            assert risk.current(session) == (None, None)
            assert risk.current(session, latest=True)[1].id == result.list_id
    finally:
        stop.set()
        thread.join(timeout=5)
        db.dispose()

"""The webhook's PostgreSQL path stays lean: round trips per message counted, messages arriving together committed
together, and a connection in steady use never pinged (bench/README.md, issue 17)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import threading
import time
from collections import Counter
from functools import cached_property

import psycopg
import pytest
from sqlalchemy import event, select

from bot import protocol, sandbox, spool
from bot.dialogue import Flow, texts
from bot.inbox import Inbox
from models.conversation import ConversationState, State, save_state
from models.cooperative import CooperativeConnection
from models.db import make_engine, transaction, utcnow
from models.inbound import InboundMessage, guarded_claim
from models.sql import Sql
from models.webhook_request import remember_request
from models.wire import Wire
from tests.support.barriers import until, until_async

HELP_REPLY = "我的信息"
# The inbox's own round trips for one message: the replay guard, the claim, the person and their conversation (one
# statement); the claim's outcome, with the conversation's write, goes with the next statement, at the latest with
# the COMMIT. The handler runs without a savepoint: if one fails, its batch is rolled back and handled again message
# by message, guarded. Messages arriving together are claimed in one round trip. Before issue 17 a message alone
# also paid BEGIN, the pool's ping, the guard apart from the claim, the person apart from it, the savepoint and its
# release, the conversation's write and the outcome on its own (12 round trips for a 帮助, now 2: the claim also
# reads the cadre roles the help text lists and counts the sender's messages for the per-minute limit).
OWN_PER_MESSAGE = {"WITH": 1, "UPDATE": 1}
HELP_ROUND_TRIPS_ALONE = 2  # the claim, then the outcome with the COMMIT
ADVISORY_KEY = 4217  # a lock a test holds so that a handler waits on the database


def kind_of(query) -> str:
    """A statement's first word; PRUNE for the replay guard's pruning."""
    query = str(query)
    return "PRUNE" if query.startswith("DELETE FROM webhook_request") else query.split(None, 1)[0].upper()


class CountingCursor(psycopg.Cursor):
    """A real psycopg cursor (the ORM's) that counts the statements it sends, each one round trip."""

    counts: Counter

    def execute(self, query, params=None, **kwargs):
        self.counts[kind_of(query)] += 1
        return super().execute(query, params, **kwargs)


class CountingWire(Wire):
    """The real Wire (models/wire.py) that counts its pipelines, each one round trip, and their statements."""

    counts: Counter

    def send(self, statements):
        self.counts["pipelines"] += 1
        for query, _params in statements:
            self.counts[kind_of(query)] += 1
            self.counts[f"{kind_of(query)} in a pipeline"] += 1
        return super().send(statements)


class CountingConnection(CooperativeConnection):
    """A real connection, as the service makes them, whose Wire counts."""

    counts: Counter

    @cached_property
    def wire(self) -> Wire:
        return type("Counting", (CountingWire,), {"counts": self.counts})(self)


@pytest.fixture
def counted(server, database_url):
    """An inbox on an engine of its own whose statements, BEGINs and COMMITs are counted."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's round trips only")
    counts = Counter()
    cursor_class = type("Counting", (CountingCursor,), {"counts": counts})
    connection_class = type("Counting", (CountingConnection,), {"counts": counts})
    engine = make_engine(database_url)

    @event.listens_for(engine, "connect")
    def _counting(dbapi_conn, _record):
        dbapi_conn.cursor_factory = cursor_class
        dbapi_conn.__class__ = connection_class

    @event.listens_for(engine, "begin")
    def _begin(_conn):
        counts["transactions"] += 1

    state = server.state
    inbox = Inbox(engine, server.settings, state.dialogue, state.villages, risk=state.risk)
    yield inbox, counts
    inbox.close()
    engine.dispose()


def help_message(openid: str) -> protocol.Inbound:
    """A 帮助 from this follower with a signed query of its own, as the webhook hands it to the inbox."""
    return text_message(openid, "帮助")


def text_message(openid: str, text: str) -> protocol.Inbound:
    """A text from this follower with a signed query of its own, as the webhook hands it to the inbox."""
    xml = sandbox.text_xml(openid, text).encode()
    return protocol.to_inbound(xml, request=protocol.stamp(secrets.token_hex(20), str(int(time.time())), xml))


def handle_together(inbox: Inbox, inbounds: list[protocol.Inbound]) -> list:
    """Hand the messages to the inbox in one tick of the event loop, as simultaneous requests are."""

    async def together():
        return await asyncio.gather(*(inbox.handle(inbound) for inbound in inbounds))

    return asyncio.run(together())


def stored(server, prefix: str) -> list[InboundMessage]:
    with transaction(server.state.db) as session:
        query = select(InboundMessage).where(InboundMessage.openid.like(f"{prefix}%"))
        return list(session.execute(query).scalars())


def round_trips(counts: Counter) -> int:
    """Statements sent alone, plus one per pipeline (BEGIN goes with the first statement, COMMIT with the last);
    not the replay guard's pruning, once a minute a process (`bot/replayguard.py:_prune`)."""
    alone = sum(n for kind, n in counts.items() if " " not in kind and kind not in ("pipelines", "transactions"))
    in_pipelines = sum(n for kind, n in counts.items() if kind.endswith(" in a pipeline"))
    return alone - in_pipelines + counts["pipelines"] - counts["PRUNE"]


def test_a_message_alone_costs_four_round_trips_and_no_ping(server, counted):
    inbox, counts = counted
    for i in range(3):  # the person and the prepared statements exist: what follows is the steady state
        handle_together(inbox, [help_message(f"rt-alone-{i}")])
    counts.clear()
    for i in range(3, 8):
        [reply] = handle_together(inbox, [help_message(f"rt-alone-{i % 3}")])
        assert HELP_REPLY in reply
    assert all(counts[kind] == 5 * n for kind, n in OWN_PER_MESSAGE.items()), counts
    assert "SAVEPOINT" not in counts, counts
    assert ";" not in counts, counts  # the pool's ping
    assert counts["transactions"] == counts["COMMIT in a pipeline"] == 5, counts
    assert round_trips(counts) == 5 * HELP_ROUND_TRIPS_ALONE, counts


def test_messages_arriving_together_share_one_transaction_and_their_round_trips(server, counted):
    """Twelve people's claims go in one round trip, and each outcome with the next statement."""
    inbox, counts = counted
    replies = handle_together(inbox, [help_message(f"rt-together-{i}") for i in range(12)])
    assert all(HELP_REPLY in reply for reply in replies)
    assert counts["transactions"] == counts["COMMIT in a pipeline"] == 1, counts
    assert all(counts[kind] == 12 * n for kind, n in OWN_PER_MESSAGE.items()), counts
    assert counts["WITH in a pipeline"] == 12 and counts["UPDATE in a pipeline"] == 12, counts
    assert round_trips(counts) == 12 * (HELP_ROUND_TRIPS_ALONE - 2) + 2, counts  # the claims, the end: one each
    rows = stored(server, "rt-together-")
    assert len(rows) == 12 and {row.status for row in rows} == {"handled"}


def test_a_retry_in_a_batch_gets_the_stored_reply_without_running_again(server, counted):
    inbox, counts = counted
    first = help_message("rt-retry-1")
    [reply] = handle_together(inbox, [first])
    counts.clear()
    again = handle_together(inbox, [first, help_message("rt-retry-2")])
    assert again[0] == reply and HELP_REPLY in again[1]
    assert counts["UPDATE"] == 1, counts  # the handler ran for the new message only
    assert len(stored(server, "rt-retry-")) == 2


@pytest.mark.parametrize(("second_body", "admitted"), [("same", True), ("other", False)])
def test_a_query_racing_its_first_use_is_judged_on_what_that_use_committed(server, database_url, second_body, admitted):
    """The one-statement guard reads from a snapshot older than the row it waited for: it reads that row again."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's one-statement guard only")
    signature, first_body = secrets.token_hex(20), "a" * 32
    body = first_body if second_body == "same" else "b" * 32
    row = {
        "openid": f"rt-race-{second_body}",
        "dedupe_key": "msg:1",
        "msg_type": "text",
        "event": None,
        "event_key": None,
        "text": "帮助",
        "raw": "<xml/>",
        "wechat_time": None,
        "received_at": utcnow(),
    }
    engine = server.state.db
    outcome = []
    with engine.connect() as first:
        first.begin()
        remember_request(Sql(first), signature=signature, body_hash=first_body, stamped_at=int(time.time()))

        def second_use():
            with engine.begin() as connection:
                outcome.append(guarded_claim(Sql(connection), signature=signature, body_hash=body, stamped_at=1, **row))

        racing = threading.Thread(target=second_use)
        racing.start()
        until(lambda: waiting_on_a_lock(engine), timeout=10)
        first.commit()
        racing.join(timeout=10)
    [claim] = outcome
    assert (claim is not None) is admitted
    assert len(stored(server, row["openid"])) == (1 if admitted else 0)


def waiting_on_a_lock(engine) -> bool:
    """Whether some backend of this database waits on another's transaction (the racing INSERT)."""
    with engine.connect() as connection:
        waits = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).scalar()
    return waits > 0


def test_a_connection_the_server_closed_is_replaced_before_anything_is_spooled(server, counted):
    """Without a ping per checkout, a restart shows at the first statement: the batch goes again on new connections."""
    inbox, _counts = counted
    handle_together(inbox, [help_message("rt-dropped-warm")])
    with inbox.db.connect() as pooled:
        backend = pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with server.state.db.connect() as other:
        other.exec_driver_sql(f"SELECT pg_terminate_backend({int(backend)})")
    replies = handle_together(inbox, [help_message(f"rt-dropped-{i}") for i in range(3)])
    assert all(HELP_REPLY in reply for reply in replies)
    rows = stored(server, "rt-dropped-")
    assert len(rows) == 4 and {row.status for row in rows} == {"handled"}


def test_a_message_handed_to_a_closed_inbox_is_answered_with_an_error(server, counted):
    inbox, _counts = counted
    inbox.close()

    async def after_close():
        return await asyncio.gather(inbox.handle(help_message("rt-closed")), return_exceptions=True)

    [outcome] = asyncio.run(after_close())
    assert isinstance(outcome, RuntimeError)
    assert stored(server, "rt-closed") == []


def test_a_conversation_step_writes_its_state_with_the_outcome(server, counted):
    """Saving or clearing a conversation costs no round trip of its own: it goes with the outcome and the COMMIT."""
    inbox, counts = counted
    steps = [("我的信息", "叫什么", "INSERT"), ("王秀兰", "手机号", "INSERT"), ("取消", "", "DELETE")]
    for text, asked, write in steps:
        counts.clear()
        [reply] = handle_together(inbox, [text_message("rt-step", text)])
        assert asked in reply
        assert counts[f"{write} in a pipeline"] == 1 and counts["COMMIT in a pipeline"] == 1, counts
    with transaction(server.state.db) as session:
        assert session.get(ConversationState, "rt-step") is None


def test_a_failing_handler_in_a_batch_fails_alone_and_its_neighbours_count_once(server, counted, monkeypatch):
    """Unguarded, a handler's failure rolls its whole batch back: each message is then handled again on its own."""
    inbox, _counts = counted
    ran = Counter()

    def finish(ctx):
        ran[ctx.person.openid] += 1
        if ctx.person.openid == "rt-poison":
            raise RuntimeError("handler exploded")
        save_state(ctx.sql, openid=ctx.person.openid, state=State("rt_after", "next"), now=ctx.now)
        return "好的"

    flow = Flow(name="rt_test", title="测试", steps=(), finish=finish, entry_words=("圆桌测试",))
    monkeypatch.setitem(server.state.dialogue.flows, flow.name, flow)
    openids = ["rt-ok-1", "rt-poison", "rt-ok-2"]
    replies = handle_together(inbox, [text_message(openid, "圆桌测试") for openid in openids])
    assert replies == ["好的", texts.APOLOGY, "好的"]
    assert ran["rt-poison"] == 2  # the batch's attempt, then its own guarded one
    rows = {row.openid: row for row in stored(server, "rt-")}
    assert rows["rt-poison"].status == "failed" and "handler exploded" in rows["rt-poison"].error
    assert rows["rt-ok-1"].status == rows["rt-ok-2"].status == "handled"
    with transaction(server.state.db) as session:
        states = {openid: session.get(ConversationState, openid) for openid in openids}
    assert states["rt-poison"] is None and states["rt-ok-1"].flow == states["rt-ok-2"].flow == "rt_after"


def test_a_persons_second_message_waits_for_the_batch_holding_their_first(server, counted, monkeypatch):
    """Their claim reads the conversation from a snapshot: two batches of one person must not overlap. Meanwhile
    the event loop answers another person: the first batch waits for the database without holding it."""
    inbox, _counts = counted
    entered = []
    holder = server.state.db.connect()
    holder.exec_driver_sql(f"SELECT pg_advisory_lock({ADVISORY_KEY})")

    def finish(ctx):
        entered.append(ctx.person.openid)
        ctx.sql.run("SET LOCAL lock_timeout = '10s'")  # a loop held up by the wait would fail here, not hang
        ctx.sql.one(f"SELECT pg_advisory_xact_lock({ADVISORY_KEY})")  # waits until the test lets go
        save_state(ctx.sql, openid=ctx.person.openid, state=State("rt_asked", "ask"), now=ctx.now)
        return "第一步"

    flow = Flow(name="rt_slow", title="测试", steps=(), finish=finish, entry_words=("慢一步",))
    monkeypatch.setitem(server.state.dialogue.flows, flow.name, flow)
    seen = []
    monkeypatch.setitem(
        server.state.dialogue.flows, "rt_asked", Flow(name="rt_asked", title="测试", steps=(), finish=lambda ctx: "")
    )

    async def one_then_another():
        first = asyncio.ensure_future(inbox.handle(text_message("rt-same", "慢一步")))
        await until_async(lambda: entered)
        second = asyncio.ensure_future(inbox.handle(text_message("rt-same", "帮助")))
        other = asyncio.ensure_future(inbox.handle(text_message("rt-other", "帮助")))
        await until_async(other.done)
        await asyncio.sleep(0.2)
        seen.append((first.done(), second.done(), other.done()))
        holder.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_KEY})")
        return await asyncio.gather(first, second, other)

    try:
        replies = asyncio.run(one_then_another())
    finally:
        holder.close()
    assert seen == [(False, False, True)]  # another person's message went by; theirs waited for their first
    assert replies[0] == "第一步" and HELP_REPLY in replies[1]


def test_a_persons_two_messages_in_one_batch_are_handled_in_turn(server, counted):
    """Their second claim is not sent ahead: it reads the conversation their first message left."""
    inbox, _counts = counted
    twice = [text_message("rt-twice", "我的信息"), text_message("rt-twice", "王秀兰")]
    messages = [*twice, help_message("rt-twice-other")]
    replies = handle_together(inbox, messages)
    assert "叫什么" in replies[0] and "手机号" in replies[1] and HELP_REPLY in replies[2]


def test_a_retry_in_the_same_batch_gets_the_reply_its_first_attempt_queued(server, counted):
    inbox, _counts = counted
    first = help_message("rt-same-batch")
    replies = handle_together(inbox, [first, first, help_message("rt-same-batch-other")])
    assert HELP_REPLY in replies[0] and replies[1] == replies[0]
    assert len(stored(server, "rt-same-batch")) == 2  # the message once, and the other person's


def test_a_handler_that_goes_on_after_a_failed_statement_fails_alone(server, counted, monkeypatch):
    """Without a savepoint PostgreSQL reports it at the next statement: the batch is handled again, guarded."""
    inbox, _counts = counted

    def finish(ctx):
        if ctx.person.openid == "rt-swallow":
            with contextlib.suppress(psycopg.Error):
                ctx.sql.one("SELECT 1 / 0")
        return "好的"

    flow = Flow(name="rt_swallow", title="测试", steps=(), finish=finish, entry_words=("吞错测试",))
    monkeypatch.setitem(server.state.dialogue.flows, flow.name, flow)
    openids = ["rt-swallow", "rt-swallow-ok"]
    replies = handle_together(inbox, [text_message(openid, "吞错测试") for openid in openids])
    assert replies == [texts.APOLOGY, "好的"]
    rows = {row.openid: row.status for row in stored(server, "rt-swallow")}
    assert rows == {"rt-swallow": "failed", "rt-swallow-ok": "handled"}


def test_a_database_that_never_answers_a_connection_holds_up_no_other_request(server, database_url, tmp_path):
    """Opening a connection does not wait cooperatively: it is opened in a thread while the loop goes on."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's batches only")
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never speaks: a server hung at start-up
    port = silent.getsockname()[1]
    engine = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{port}/none?connect_timeout=2")
    settings = server.settings.model_copy(update={"spool_dir": tmp_path})
    state = server.state
    inbox = Inbox(engine, settings, state.dialogue, state.villages, risk=state.risk)
    ticks = []

    async def message_and_ticks():
        reply = asyncio.ensure_future(inbox.handle(text_message("rt-silent", "家里没米了")))
        while not reply.done():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.05)
        return await reply

    try:
        assert asyncio.run(message_and_ticks()) == texts.SPOOLED
    finally:
        inbox.close()
        engine.dispose()
        silent.close()
    assert ticks[-1] - ticks[0] > 1.5 and len(ticks) > 20  # the loop ticked on through the 2 s connect timeout
    assert "家里没米了" in (tmp_path / spool.SPOOL).read_text(encoding="utf-8")


def test_a_cadres_help_lists_their_commands_from_roles_read_with_the_claim(server, counted):
    inbox, counts = counted
    handle_together(inbox, [help_message("rt-cadre")])
    with server.state.db.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO cadre_assignment (person_id, role, village_id, created_at)"
            " SELECT p.id, 'village_doctor', (SELECT min(id) FROM village), now() FROM person p"
            " WHERE p.openid = 'rt-cadre'"
        )
    counts.clear()
    [villager_reply, cadre_reply] = handle_together(inbox, [help_message("rt-villager"), help_message("rt-cadre")])
    assert texts.CADRE_HELP_HEADER not in villager_reply
    assert texts.CADRE_HELP_HEADER in cadre_reply
    assert round_trips(counts) == 2 * (HELP_ROUND_TRIPS_ALONE - 2) + 2, counts  # no read of the roles

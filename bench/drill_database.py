"""Database drill: PostgreSQL unreachable for 30 s while 60 fever reports arrive; after it returns, 60 doctor alerts.

Usage (from the project directory; needs a PostgreSQL server that may create a database):
    .venv/bin/python bench/drill_database.py            # 30 s outage, 60 fever reports
    .venv/bin/python bench/drill_database.py --quick    # ~5 s outage, 10 reports
    DRILL_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/drill_database.py

The service runs as `python main.py serve` (a real uvicorn subprocess, sandbox WeChat) on a fresh database reached
through a small TCP proxy in this process. One village doctor and the villagers (with full profiles) are bound
directly in the database; then the proxy is cut (every open connection dropped, new ones closed at once) while the
reports arrive as signed POSTs, one villager each, and restored. The running server must notice by itself
(no restart) and handle every spooled report through the fever handler. Printed and returned: acknowledged
(a 200 with the spooled reply), spooled (lines in the spool), handled after return, doctors' alerts queued,
late replies queued, and the seconds from the return to the last of them. Exit status 1 when any falls short.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parent.parent
for _path in (PROJECT, PROJECT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from webhook import service_env  # noqa: E402
from wrkload import HOST, Server, free_port  # noqa: E402

TOKEN = "xiangan-drill"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
FEVER = "发烧38度5"
DOCTOR = "drill-doctor"
MUST_MATCH = ("acknowledged", "spooled", "handled", "alerts", "late_replies")


class Proxy:
    """A TCP proxy on loopback that can be cut: open connections dropped, new ones closed as soon as accepted."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.is_cut = False
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="drill-proxy", daemon=True)
        self._server: asyncio.Server | None = None

    def __enter__(self) -> Proxy:
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._accept, HOST, self.port))
        return self

    def __exit__(self, *_exc) -> None:
        self._server.close()
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def cut(self) -> None:
        """The database is gone: every open connection drops, and so will every new one."""
        self.is_cut = True
        self._call(self._drop_all())

    def restore(self) -> None:
        """The database answers again."""
        self.is_cut = False

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _drop_all(self) -> None:
        for writer in list(self._writers):
            writer.transport.abort()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.is_cut:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self._writers.difference_update((writer, up_writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        writer.transport.abort()


@contextlib.contextmanager
def fresh_database(base_url: str):
    """A database of its own on the server of `base_url` (its URL), dropped afterwards."""
    name = f"xiangan_drill_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def villagers(count: int) -> list[str]:
    return [f"drill-villager-{i:03d}" for i in range(count)]


def set_up(database_url: str, count: int) -> None:
    """Schema and town as `serve` makes them; one doctor for the first village and `count` villagers there."""
    from bot.startup import prepare_database
    from models.cadre import CadreAssignment
    from models.db import transaction, utcnow
    from models.person import Person
    from models.town import list_villages
    from town.settings import Settings

    db = prepare_database(Settings(_env_file=None, database_url=database_url, admin_username="", admin_password=""))
    try:
        with transaction(db) as session:
            village = list_villages(session)[0].id
            doctor = Person(openid=DOCTOR, name="王村医", phone="13900001111", village_id=village)
            session.add(doctor)
            for i, openid in enumerate(villagers(count)):
                session.add(Person(openid=openid, name=f"村民{i}", phone=f"138{i:08d}", village_id=village))
            session.flush()
            session.add(
                CadreAssignment(person_id=doctor.id, role="village_doctor", village_id=village, created_at=utcnow())
            )
    finally:
        db.dispose()


def report_fever(server: Server, openid: str, msg_id: int) -> bool:
    """One signed fever report; True when it was acknowledged with the spooled reply."""
    from bot import sandbox
    from bot.dialogue import texts
    from town.settings import Settings

    settings = Settings(_env_file=None, wechat_token=TOKEN, wechat_encoding_aes_key="", wechat_app_id="")
    signed = sandbox.sign_request(settings, sandbox.text_xml(openid, FEVER, msg_id=msg_id), encrypt=False)
    try:
        response = httpx.post(server.url(signed.path), content=signed.body, timeout=10)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and sandbox.read_reply(settings, response.text) == texts.SPOOLED


def spooled_lines(spool_dir: Path) -> int:
    return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in spool_dir.glob("inbound*.jsonl"))


def outcome(database_url: str, count: int) -> dict:
    """What the database holds for the drill's villagers: handled messages, doctors' alerts, late replies."""
    from models.db import make_engine, transaction
    from models.inbound import InboundMessage
    from models.outbox import OutboxMessage

    openids = villagers(count)
    db = make_engine(database_url)
    try:
        with transaction(db) as session:
            handled = session.execute(
                select(func.count())
                .select_from(InboundMessage)
                .where(InboundMessage.openid.in_(openids), InboundMessage.status == "handled")
            ).scalar_one()
            alerts = session.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.recipient_openid == DOCTOR, OutboxMessage.kind == "alert")
                .where(OutboxMessage.idempotency_key.startswith("fever:"))
            ).scalar_one()
            late = session.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.recipient_openid.in_(openids), OutboxMessage.kind == "late_reply")
            ).scalar_one()
    finally:
        db.dispose()
    return {"handled": handled, "alerts": alerts, "late_replies": late}


def run(quick: bool, base_url: str | None = None) -> dict:
    """The drill; the counts (each must equal "expected")."""
    base_url = base_url or os.environ.get("DRILL_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL
    count, outage_s, wait_s = (10, 5.0, 45.0) if quick else (60, 30.0, 90.0)
    target = make_url(base_url)
    with (
        fresh_database(base_url) as direct,
        Proxy(target.host or "127.0.0.1", target.port or 5432) as proxy,
        tempfile.TemporaryDirectory(prefix="drill_database_") as tmp,
    ):
        direct_url = direct.render_as_string(hide_password=False)
        proxied_url = direct.set(host=HOST, port=proxy.port).render_as_string(hide_password=False)
        set_up(direct_url, count)
        port, spool_dir = free_port(), Path(tmp) / "spool"
        argv = [sys.executable, "main.py", "serve", "--port", str(port)]
        env = service_env(
            spool_dir.parent, port, DATABASE_URL=proxied_url, SPOOL_DIR=str(spool_dir), WECHAT_TOKEN=TOKEN,
            SCHEDULER="false",
        )  # fmt: skip
        with Server("service", argv, env, Path(tmp) / "service.log", port) as server:
            print(f"[drill] service up on :{port}; cutting the database for {outage_s:.0f} s", flush=True)
            counts = _outage(server, proxy, count, outage_s)
            counts["spooled"] = spooled_lines(spool_dir)
            proxy.restore()
            print(f"[drill] database back; waiting (at most {wait_s:.0f} s) for the spooled reports", flush=True)
            counts.update(_wait_for(direct_url, count, wait_s))
            server.check_alive()
    counts["expected"] = count
    return counts


def _outage(server: Server, proxy: Proxy, count: int, outage_s: float) -> dict:
    """Cut the proxy, send the reports spread over most of the outage, keep it cut for the rest."""
    started = time.monotonic()
    proxy.cut()
    interval = outage_s * 0.8 / count
    with ThreadPoolExecutor(8) as pool:
        futures = []
        for i, openid in enumerate(villagers(count)):
            futures.append(pool.submit(report_fever, server, openid, 880_000 + i))
            time.sleep(interval)
        acknowledged = sum(future.result() for future in futures)
    time.sleep(max(0.0, outage_s - (time.monotonic() - started)))
    return {"acknowledged": acknowledged}


def _wait_for(database_url: str, count: int, wait_s: float) -> dict:
    """Poll until every count reaches `count` or the time is up; the last counts."""
    started = time.monotonic()
    while True:
        counts = outcome(database_url, count)
        waited = time.monotonic() - started
        if min(counts.values()) >= count or waited > wait_s:
            return {**counts, "healed_s": round(waited, 1)}
        time.sleep(0.5)


def short(counts: dict) -> list[str]:
    """The counts that fall short of the number sent."""
    return [key for key in MUST_MATCH if counts.get(key, 0) != counts["expected"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a ~5 s outage and 10 reports")
    parser.add_argument("--database-url", help=f"a PostgreSQL server to create the drill's database on ({DEFAULT_URL})")
    args = parser.parse_args(argv)
    started = time.monotonic()
    counts = run(args.quick, args.database_url)
    expected = counts["expected"]
    print(
        f"\n(total {time.monotonic() - started:.0f} s; all handled {counts['healed_s']} s after the database returned)"
    )
    for key in MUST_MATCH:
        print(f"{key:<14} {counts[key]:>4} / {expected}")
    missing = short(counts)
    print(f"database drill: {'all ' + str(expected) + ' handled' if not missing else 'SHORT: ' + ', '.join(missing)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

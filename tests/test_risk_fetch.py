"""RISK_LIST_URL: conditional GET from a real local HTTP server, import when changed, re-classify, errors recorded."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from sqlalchemy import func, select, text

from broadcasts.risk_fetch import FAILED, IMPORTED, NOT_MODIFIED, UNCHANGED, fetch_risk_list
from models.db import transaction
from models.riskarea import RiskList, RiskListSource
from tests.support.barriers import until
from tests.support.live import PROJECT, LiveServer, answers_health, free_port, run_cli_here
from tests.support.reclassify import AUG5, CHANGJIANG, NOW, aug6_text, bind_cadres, current, declare, outbox


class ListServer:
    """Serves one list at /list.txt with an ETag and Last-Modified, answering If-None-Match with 304."""

    def __init__(self):
        self.body = AUG5.read_bytes()
        self.etag: str | None = '"v1"'
        self.last_modified: str | None = "Thu, 05 Aug 2021 02:00:00 GMT"
        self.status = 200
        self.seen: list[dict] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/list.txt"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def publish(self, body: bytes, etag: str | None, last_modified: str | None = None) -> None:
        self.body, self.etag, self.last_modified = body, etag, last_modified

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.seen.append(dict(self.headers))
                if owner.status != 200:
                    self.send_error(owner.status)
                    return
                if owner.etag and self.headers.get("If-None-Match") == owner.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(owner.body)))
                if owner.etag:
                    self.send_header("ETag", owner.etag)
                if owner.last_modified:
                    self.send_header("Last-Modified", owner.last_modified)
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def lists():
    served = ListServer()
    served.thread.start()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


def source(db, url: str) -> RiskListSource:
    with transaction(db) as session:
        return session.execute(select(RiskListSource).where(RiskListSource.url == url)).scalar_one()


def versions(db) -> int:
    with transaction(db) as session:
        return session.execute(select(func.count()).select_from(RiskList)).scalar_one()


def test_first_fetch_imports_then_304_imports_nothing_then_a_change_reclassifies(server, make_settings, lists, frozen):
    db = server.state.db
    settings = make_settings(risk_list_url=lists.url)
    first = fetch_risk_list(settings, db, NOW)
    assert first.status == IMPORTED and first.result.created and versions(db) == 1
    assert "If-None-Match" not in lists.seen[0]
    row = source(db, lists.url)
    assert row.etag == '"v1"' and row.last_modified == "Thu, 05 Aug 2021 02:00:00 GMT" and row.last_error is None
    assert row.checked_at == row.changed_at == NOW.astimezone(dt.UTC)

    bind_cadres(db)
    number = declare(db, "rf-up", "张桂兰", CHANGJIANG)
    later = NOW + dt.timedelta(minutes=30)
    second = fetch_risk_list(settings, db, later)
    assert second.status == NOT_MODIFIED and versions(db) == 1
    assert lists.seen[1]["If-None-Match"] == '"v1"' and "If-Modified-Since" in lists.seen[1]
    row = source(db, lists.url)
    assert row.checked_at == later.astimezone(dt.UTC) and row.changed_at == NOW.astimezone(dt.UTC)

    lists.publish(aug6_text().encode("gb18030"), '"v2"')  # and in the encoding many government sites use
    third = fetch_risk_list(settings, db, later + dt.timedelta(minutes=30))
    assert third.status == IMPORTED and versions(db) == 2
    assert third.summary.upgraded == [number] and current(db, number).disposition == "集中隔离"
    assert "管控从居家隔离改为集中隔离" in outbox(db)["rc-cadre"][0] and "rf-up" in outbox(db)
    row = source(db, lists.url)
    assert row.etag == '"v2"' and row.last_modified is None and row.changed_at == row.checked_at


def test_a_server_without_validators_sending_the_same_list_changes_nothing(server, make_settings, lists, frozen):
    db = server.state.db
    settings = make_settings(risk_list_url=lists.url)
    lists.publish(AUG5.read_bytes(), None)
    assert fetch_risk_list(settings, db, NOW).status == IMPORTED
    again = fetch_risk_list(settings, db, NOW + dt.timedelta(minutes=30))
    assert again.status == UNCHANGED and again.result is None
    assert "If-None-Match" not in lists.seen[1]
    # The same list under another address (or imported by hand first) is no new version either.
    lists.publish(AUG5.read_bytes() + b"\n", None)
    assert fetch_risk_list(settings, db, NOW + dt.timedelta(hours=1)).status == UNCHANGED


def test_failures_are_recorded_and_the_next_fetch_recovers(server, make_settings, lists, frozen):
    db = server.state.db
    settings = make_settings(risk_list_url=lists.url)
    assert fetch_risk_list(settings, db, NOW).status == IMPORTED
    lists.status = 500
    failed = fetch_risk_list(settings, db, NOW + dt.timedelta(minutes=30))
    assert failed.status == FAILED and "500" in failed.error
    row = source(db, lists.url)
    assert "HTTP 500" in row.last_error and row.etag == '"v1"'  # the validators of the last good fetch stay
    assert row.checked_at == (NOW + dt.timedelta(minutes=30)).astimezone(dt.UTC)
    lists.status = 200
    lists.publish("这不是名单\n随便写的\n".encode(), '"broken"')
    malformed = fetch_risk_list(settings, db, NOW + dt.timedelta(hours=1))
    assert malformed.status == FAILED and "名单格式有误" in source(db, lists.url).last_error and versions(db) == 1
    lists.publish(aug6_text().encode(), '"v2"')
    assert fetch_risk_list(settings, db, NOW + dt.timedelta(hours=2)).status == IMPORTED
    assert source(db, lists.url).last_error is None and versions(db) == 2


def test_an_unreachable_address_is_recorded(server, make_settings):
    url = f"http://127.0.0.1:{free_port()}/list.txt"
    outcome = fetch_risk_list(make_settings(risk_list_url=url), server.state.db, NOW)
    assert outcome.status == FAILED and source(server.state.db, url).last_error


def test_fetch_risk_list_command(server, database_url, lists):
    assert run_cli_here("fetch-risk-list", DATABASE_URL=database_url, RISK_LIST_URL="").returncode == 2
    first = run_cli_here("fetch-risk-list", DATABASE_URL=database_url, RISK_LIST_URL=lists.url)
    assert first.returncode == 0, first.stderr
    assert "新版本 #" in first.stdout and "重新判定在管的返乡报备 0 份" in first.stdout
    second = run_cli_here("fetch-risk-list", DATABASE_URL=database_url, RISK_LIST_URL=lists.url)
    assert second.returncode == 0 and "304" in second.stdout
    lists.status = 503
    failed = run_cli_here("fetch-risk-list", DATABASE_URL=database_url, RISK_LIST_URL=lists.url)
    assert failed.returncode == 1 and "获取失败：HTTP 503" in failed.stderr


def test_the_scheduler_in_serve_fetches_at_start_and_messages_then_use_the_new_list(make_settings, lists):
    server = LiveServer(make_settings(risk_list_url=lists.url, risk_list_fetch_min=60, scheduler=True)).start()
    db = server.state.db
    try:
        # The first run at once, not an interval later; the fetch is over when its source records the change
        # (the list is stored first, then re-classified in chunks, then the source is updated).
        until(lambda: versions(db) == 1 and source(db, lists.url).changed_at is not None, timeout=30)
        server.state.risk.expire()  # the list watcher's next look (every 15 s) without waiting for it
        with transaction(db) as session:
            index, info = server.state.risk.current(session)
        assert info is not None and index.size > 0 and source(db, lists.url).changed_at is not None
    finally:
        server.stop()
        drop_job_store(db)


def drop_job_store(db) -> None:
    """The scheduler's own table is not among the cleaned ones."""
    with db.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))


def start_main(command: str, database_url: str, url: str, **env: str) -> subprocess.Popen:
    """`python main.py COMMAND` as an operator runs it, with RISK_LIST_URL set."""
    env = {**os.environ, "DATABASE_URL": database_url, "RISK_LIST_URL": url, "WECHAT_APP_ID": "", **env}
    env.update(WECHAT_TOKEN="test-token", LOG_LEVEL="warning")
    return subprocess.Popen([sys.executable, "main.py", command], cwd=PROJECT, env=env, stderr=subprocess.PIPE)


def test_web_workers_never_fetch_the_list_only_the_scheduler_does(server, database_url, lists):
    db, port = server.state.db, free_port()
    web = start_main("serve", database_url, lists.url, SCHEDULER="false", PORT=str(port))
    try:
        until(lambda: answers_health(f"http://127.0.0.1:{port}", web), timeout=60, step=0.1)
        assert lists.seen == []  # started, and fetched nothing (it used to fetch at once, in a thread)
        scheduler = start_main("scheduler", database_url, lists.url, SCHEDULER_LEASE_S="2")
        try:
            until(lambda: versions(db) == 1 and source(db, lists.url).changed_at, timeout=60)
        finally:
            scheduler.terminate()
            scheduler.wait(timeout=20)
        assert len(lists.seen) == 1  # the scheduler's one fetch; the web worker is still up and made none
        assert answers_health(f"http://127.0.0.1:{port}", web)
    finally:
        web.terminate()
        web.wait(timeout=20)
        drop_job_store(db)

"""A live server for tests: the real app under uvicorn on a loopback port, and a client that signs like WeChat."""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import uvicorn
from sqlalchemy import select

from bot import sandbox
from main import create_app
from models.cadre import create_invite
from models.db import transaction, utcnow
from models.town import Village
from tests.support.barriers import serving, until
from town.policy import load_policy
from town.reclassify import ingest
from town.riskareas import parse_file
from town.settings import Settings

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the demo town's zone, for dates written in tests


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers_health(url: str, process: subprocess.Popen, timeout: float = 1) -> bool:
    """Whether `python main.py serve` started as `process` answers /healthz at url (its stderr raised if it ended)."""
    if process.poll() is not None:
        raise RuntimeError(process.stderr.read().decode())
    try:
        return httpx.get(f"{url}/healthz", timeout=timeout).status_code == 200
    except httpx.TransportError:
        return False


class LiveServer:
    """The real FastAPI app served over HTTP in a background thread."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.app = create_app(settings)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            loop="asyncio",
            http="httptools",
            access_log=False,
            log_level="warning",
            lifespan="on",
            proxy_headers=False,  # as `main.py serve`: the peer is the socket's
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        """Serve in a background thread; return once uvicorn has started."""
        self.thread.start()
        until(lambda: serving(self.server, self.thread, "test server"), timeout=30, step=0.02)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def state(self):
        """The app's state (database, risk lists, inbox...)."""
        return self.app.state

    def client(self, openid: str = "villager-1") -> WeChat:
        """A WeChat follower of this openid, writing to the server."""
        return WeChat(self, openid)


@dataclass
class WeChat:
    """Plays WeChat's servers for one follower: signed (and encrypted when configured) requests."""

    server: LiveServer
    openid: str
    http: httpx.Client = field(init=False)

    def __post_init__(self):
        self.http = httpx.Client(base_url=self.server.url, timeout=30)

    def post_xml(self, xml: str, **sign_options) -> httpx.Response:
        """POST the XML to the webhook, signed (and encrypted) as WeChat does."""
        signed = sandbox.sign_request(self.server.settings, xml, **sign_options)
        return self.http.post(signed.path, content=signed.body, headers={"content-type": "text/xml"})

    def reply_of(self, response: httpx.Response) -> str | None:
        """The passive reply's text of a 200 response (None for an empty one)."""
        assert response.status_code == 200, (response.status_code, response.text)
        return sandbox.read_reply(self.server.settings, response.text)

    def say(self, text: str, **xml_options) -> str | None:
        """Send a text message and return the passive reply's text."""
        return self.reply_of(self.post_xml(sandbox.text_xml(self.openid, text, **xml_options)))

    def event(self, event: str, event_key: str = "", **extra) -> str | None:
        """Send an event and return the passive reply's text."""
        return self.reply_of(self.post_xml(sandbox.event_xml(self.openid, event, event_key=event_key, **extra)))


PROJECT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python main.py ARGS` in a subprocess, as an operator runs it; env overrides the environment."""
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=PROJECT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_cli_here(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python main.py ARGS` run in this process (the same commands, without a new interpreter's ~2 s start-up);
    the tests that start the real subprocess use `run_cli`."""
    from typer.testing import CliRunner

    from main import cli
    from town.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)
    finally:
        get_settings.cache_clear()
        gc.collect()  # the command's engine and its pooled connections go with it, as when its process exits
    return subprocess.CompletedProcess(["main.py", *args], result.exit_code, result.stdout, result.stderr)


def invite(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """`python main.py invite-cadre ARGS` against this database, as an operator runs it (in-process)."""
    return run_cli_here("invite-cadre", *args, DATABASE_URL=database_url, WECHAT_APP_ID="")


def import_list(server: LiveServer, path: str | Path) -> None:
    """A risk list imported as `import-risk-list` imports it (in-process: faster), and picked up by the server."""
    entries = parse_file(PROJECT / path)
    ingest(server.state.db, entries, policy=load_policy(server.settings.policy_file), now=utcnow())
    server.state.risk.expire()


def invite_code(server: LiveServer, village: str, role: str) -> str:
    """A one-time code made as `invite-cadre` makes it (in-process: faster)."""
    with transaction(server.state.db) as session:
        found = session.execute(select(Village).where(Village.name.in_((village, f"{village}村")))).scalar_one()
        return create_invite(session, role=role, village_id=found.id, now=utcnow()).code

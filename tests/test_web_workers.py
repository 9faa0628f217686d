"""`serve --workers N` (bot/workers.py): each worker listens on a socket of its own, connections opened together are
spread over the workers, a worker that dies is replaced, and SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.barriers import until
from tests.support.live import PROJECT, answers_health, free_port

LISTEN, ESTABLISHED = "0A", "01"  # /proc/net/tcp states


@pytest.fixture
def served(database_url):
    """`python main.py serve --workers 2` as an operator starts it (no scheduler or outbox worker inside)."""
    if not hasattr(socket, "SO_REUSEPORT"):
        pytest.skip("SO_REUSEPORT is Linux's")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "WECHAT_TOKEN": "test-token", "WECHAT_APP_ID": ""}
    env.update(PORT=str(port), LOG_LEVEL="warning", SCHEDULER="false", OUTBOX_WORKER="false")
    process = subprocess.Popen(
        [sys.executable, "main.py", "serve", "--workers", "2"], cwd=PROJECT, env=env, stderr=subprocess.PIPE
    )
    try:
        until(lambda: serving(process, port), timeout=60, step=0.1)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            for pid in workers(process):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=20)


def serving(process: subprocess.Popen, port: int) -> bool:
    """Both workers started, and listening each on its socket."""
    pids = workers(process)
    listening = tcp_sockets(port, LISTEN)
    return len(pids) == 2 and all(held_by(pid, listening) == 1 for pid in pids) and answers(port, process)


def answers(port: int, process: subprocess.Popen, timeout: float = 1) -> bool:
    return answers_health(f"http://127.0.0.1:{port}", process, timeout)


def workers(process: subprocess.Popen) -> list[int]:
    """The serving processes under `serve` (not multiprocessing's resource tracker)."""
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(pid) for pid in children if b"spawn_main" in _cmdline(int(pid)) and _alive(int(pid))]


def tcp_sockets(port: int, state: str) -> set[str]:
    """Inodes of the sockets on this local port in this state."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                inodes.add(fields[9])
    return inodes


def held_by(pid: int, inodes: set[str]) -> int:
    """How many of these sockets the process holds open."""
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except FileNotFoundError:
            continue
        held += link.startswith("socket:[") and link[8:-1] in inodes
    return held


def test_each_worker_listens_on_a_socket_of_its_own_and_connections_are_spread(served):
    process, port = served
    pids = workers(process)
    listening = tcp_sockets(port, LISTEN)
    assert len(listening) == 2 and all(held_by(pid, listening) == 1 for pid in pids)
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]  # together, as a proxy opens them
    try:
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert all(client.recv(1024).startswith(b"HTTP/1.1 200") for client in clients)
        accepted = tcp_sockets(port, ESTABLISHED)  # the server's ends: the clients' have ephemeral local ports
        per_worker = [held_by(pid, accepted) for pid in pids]
        assert sum(per_worker) == 16 and min(per_worker) >= 1, per_worker
    finally:
        for client in clients:
            client.close()


def test_a_worker_that_dies_is_replaced_and_sigterm_stops_them_all(served):
    process, port = served
    dead, alive = workers(process)
    os.kill(dead, signal.SIGKILL)
    until(lambda: not _alive(dead), timeout=10)
    # The other one answers meanwhile (a fresh connection; 5 s: CI's two suites and the new worker's start share
    # the machine's two cores, and a 1 s wait once ran out there).
    assert answers(port, process, timeout=5)
    until(lambda: dead not in workers(process) and serving(process, port), timeout=60, step=0.1)
    assert alive in workers(process)
    pids = workers(process)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert not any(_alive(pid) for pid in pids)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False

"""Web workers that share the load: each on a listening socket of its own, the kernel spreading connections over them.

uvicorn's own workers share one socket, and the first to wake accepts every connection waiting (asyncio takes up
to its backlog at once): keep-alive connections opened in a burst, as a proxy or WeChat's servers open them, can
all land on one worker. Measured with two workers: 0.99x one, one at 84 % of a core, the other at 17 %
(bench/README.md, issue 17). With SO_REUSEPORT each worker has its own accept queue, and Linux hashes each new
connection to one of them. A worker's socket starts listening only once its app has started (asyncio listens when
it starts serving): until then, and once it has died, connections go to the others.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)
STARTUP_FAILURE = 3  # a worker's exit code when its app cannot start (uvicorn's): starting it again would not help
RESTART_PAUSE_S = 1.0
STOP_GRACE_S = 30.0


def shares_sockets() -> bool:
    """Whether this system balances connections over sockets bound to one port (Linux's SO_REUSEPORT)."""
    return hasattr(socket, "SO_REUSEPORT")


def serve_workers(config: uvicorn.Config, workers: int) -> int:
    """Serve config's app from `workers` processes until SIGINT or SIGTERM; a worker that dies is started again.
    The exit code: 0, or STARTUP_FAILURE when a worker's app could not start."""
    _bound(config.host, config.port).close()  # the port taken by another program: an error here, not in each worker
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    processes = [_start(config) for _ in range(workers)]
    failed = False
    while not stop.wait(RESTART_PAUSE_S):
        for i, process in enumerate(processes):
            if process.is_alive():
                continue
            if process.exitcode == STARTUP_FAILURE:
                log.error("a web worker could not start: stopping them all")
                failed = True
                stop.set()
                break
            log.warning("web worker %s ended (exit code %s): starting another", process.pid, process.exitcode)
            processes[i] = _start(config)
    _stop_all(processes)
    return STARTUP_FAILURE if failed else 0


def _bound(host: str, port: int) -> socket.socket:
    """A socket bound to the port beside the other workers' (not listening yet)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not left 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP (without it,
    # Nagle and delayed ACKs held each reply ~40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _start(config: uvicorn.Config) -> multiprocessing.Process:
    process = multiprocessing.get_context("spawn").Process(target=_work, args=(config,), daemon=False)
    process.start()
    return process


def _work(config: uvicorn.Config) -> None:
    """A worker process: the app served on a socket of its own (SIGTERM ends it gracefully, as uvicorn's own)."""
    import uvicorn

    config.configure_logging()
    uvicorn.Server(config).run(sockets=[_bound(config.host, config.port)])


def _stop_all(processes: list[multiprocessing.Process]) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(STOP_GRACE_S)
        if process.is_alive():
            process.kill()
            process.join()

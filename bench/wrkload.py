"""Load generation on loopback with wrk: server subprocesses, wrk runs and their parsed results.

Shared by the load benchmarks; everything targets 127.0.0.1 and every process is stopped at exit.
"""

import contextlib
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import httpx

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
START_TIMEOUT_S = 90.0
WRK_TIMEOUT = "5s"  # WeChat's own deadline: a slower answer is a failed delivery, counted as a socket error


@dataclass
class Result:
    """One wrk run, parsed from its text output."""

    target: str
    loop: str
    connections: int
    requests: int = 0
    duration_s: float = 0.0
    rps: float = 0.0
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    non_2xx: int = 0
    socket_errors: int = 0
    cpu_us_per_req: float = math.nan

    @property
    def ok_rps(self) -> float:
        """Throughput of 2xx answers only (a fast error page must not look like speed)."""
        return self.rps * (self.requests - self.non_2xx) / self.requests if self.requests else 0.0


def lua_str(text: str) -> str:
    """A Lua string literal with every non-ASCII or special byte escaped (exact bytes, any Lua)."""
    safe = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-/?=&.:<>![]%+")
    return '"' + "".join(chr(b) if b in safe else f"\\{b:03d}" for b in text.encode()) + '"'


def lua_list(items) -> str:
    """A Lua array of string literals."""
    return "{" + ", ".join(lua_str(item) for item in items) + "}"


# SHA-1 in LuaJIT (wrk's Lua), for a webhook signature per request: a signed query may carry one message only.
LUA_SHA1 = r"""
local bit = require("bit")
local band, bor, bxor, bnot, rol, lshift, rshift, tobit, tohex =
  bit.band, bit.bor, bit.bxor, bit.bnot, bit.rol, bit.lshift, bit.rshift, bit.tobit, bit.tohex
local byte, char, rep = string.byte, string.char, string.rep
local w = {}
function sha1(msg)
  local h0, h1, h2, h3, h4 = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0
  local bits = #msg * 8
  msg = msg .. "\128" .. rep("\0", (55 - #msg) % 64) .. char(0, 0, 0, 0,
    band(rshift(bits, 24), 255), band(rshift(bits, 16), 255), band(rshift(bits, 8), 255), band(bits, 255))
  for chunk = 1, #msg, 64 do
    for i = 0, 15 do
      local a, b, c, d = byte(msg, chunk + i * 4, chunk + i * 4 + 3)
      w[i] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for i = 16, 79 do w[i] = rol(bxor(w[i - 3], w[i - 8], w[i - 14], w[i - 16]), 1) end
    local a, b, c, d, e = h0, h1, h2, h3, h4
    for i = 0, 79 do
      local f, k
      if i < 20 then f, k = bor(band(b, c), band(bnot(b), d)), 0x5A827999
      elseif i < 40 then f, k = bxor(b, c, d), 0x6ED9EBA1
      elseif i < 60 then f, k = bor(band(b, c), band(b, d), band(c, d)), 0x8F1BBCDC
      else f, k = bxor(b, c, d), 0xCA62C1D6 end
      a, b, c, d, e = tobit(rol(a, 5) + f + e + k + w[i]), a, rol(b, 30), c, d
    end
    h0, h1, h2, h3, h4 = tobit(h0 + a), tobit(h1 + b), tobit(h2 + c), tobit(h3 + d), tobit(h4 + e)
  end
  return tohex(h0) .. tohex(h1) .. tohex(h2) .. tohex(h3) .. tohex(h4)
end

function wechat_signature(token, timestamp, nonce)
  local parts = {token, timestamp, nonce}
  table.sort(parts)
  return sha1(table.concat(parts))
end
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One server subprocess in its own process group, always killed on exit."""

    def __init__(self, name: str, argv: list[str], env: dict, log_path: Path, port: int):
        self.name, self.argv, self.env, self.log_path, self.port = name, argv, env, log_path, port
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            self.argv,
            cwd=PROJECT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self.wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()
        self.log.close()

    def url(self, path: str = "") -> str:
        """An address on this server."""
        return f"http://{HOST}:{self.port}{path}"

    def wait_ready(self) -> None:
        """Poll /healthz until it answers; fail with the server's log if it dies or never answers."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(self.url("/healthz"), timeout=1).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /healthz in {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}")

    def check_alive(self) -> None:
        """Fail with the server's log if it is gone."""
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} died during the run:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """User+system CPU time of the server process (all its threads)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's output."""
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL it after 5 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)


def run_wrk(server: Server, script: Path, connections: int, threads: int, duration_s: float) -> str:
    """Run wrk against the server and return its text output."""
    shape = f"-t {min(threads, connections)} -c {connections} -d {max(1, round(duration_s))}s".split()
    argv = [WRK, "--latency", *shape, "--timeout", WRK_TIMEOUT, "-s", str(script), server.url()]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration_s + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    server.check_alive()
    return done.stdout


def to_ms(value: str, unit: str) -> float:
    """A wrk duration ("850.00us", "1.20ms", "2.00s", "1.00m") in milliseconds."""
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]
    return float(value) * scale


def parse_wrk(output: str, result: Result) -> Result:
    """Fill the result from wrk's --latency text output."""
    if found := re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h),", output):
        result.requests, result.duration_s = int(found[1]), to_ms(found[2], found[3]) / 1000
    if found := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result.rps = float(found[1])
    for percent, attr in (("50", "p50_ms"), ("99", "p99_ms")):
        if found := re.search(rf"^\s+{percent}(?:\.000)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M):
            setattr(result, attr, to_ms(found[1], found[2]))
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result.non_2xx = int(found[1])
    if found := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        result.socket_errors = sum(int(n) for n in found.groups())
    return result

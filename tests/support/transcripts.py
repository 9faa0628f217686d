"""Transcripts as data (tests/transcripts/<feature>.toml): what a villager says or clicks, and what the bot replies.

A file holds `[[transcript]]` tables: `name`, `openid`, `steps` and, optionally, `at` (the moment the clock is
frozen at, ticking on), `cadres` (bound first: [openid, name, role, village, phone or ""]), `villager` (a profile on
record first: `name`, `phone`, `village`), `risk_list` (a list file imported first), `profile` (the name, phone and
village on record at the end; "" for none) and `outbox` (openid -> the messages queued for them at the end, one
check each, in order). A step is `say = "..."` or `event = "CLICK"` (with `key`), checked by any of `contains` (a
fragment, or a list of them), `lacks` (likewise), `starts` (a prefix) and `reply` (the whole reply); an outbox
message by the same checks, or by a plain string it must contain.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from contextlib import nullcontext
from pathlib import Path

import time_machine

from tests.support.conversation import profile
from tests.support.live import import_list
from tests.support.people import bind, outbox, villager

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"
CHECKS = {"say", "event", "key", "contains", "lacks", "starts", "reply"}
KEYS = {"name", "openid", "steps", "at", "cadres", "villager", "risk_list", "profile", "outbox"}


def load_all(folder: Path = TRANSCRIPTS) -> list[tuple[str, dict]]:
    """Every transcript of every feature file, with its id (feature:name)."""
    found = []
    for path in sorted(folder.glob("*.toml")):
        for transcript in tomllib.loads(path.read_text(encoding="utf-8"))["transcript"]:
            found.append((f"{path.stem}:{transcript['name']}", transcript))
    return found


def _as_list(value: str | list[str] | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def check_reply(step: dict, reply: str) -> None:
    """The reply to one step, against the step's expectations."""
    unknown = set(step) - CHECKS
    assert not unknown, f"unknown keys in a step: {sorted(unknown)}"
    said = step.get("say") or step.get("event")
    for fragment in _as_list(step.get("contains")):
        assert fragment in reply, f"after 「{said}」 expected 「{fragment}」, got 「{reply}」"
    for fragment in _as_list(step.get("lacks")):
        assert fragment not in reply, f"after 「{said}」 did not expect 「{fragment}」, got 「{reply}」"
    if "starts" in step:
        assert reply.startswith(step["starts"]), f"after 「{said}」 expected to start 「{step['starts']}」: 「{reply}」"
    if "reply" in step:
        assert reply == step["reply"], f"after 「{said}」 expected 「{step['reply']}」, got 「{reply}」"


def _prepare(server, transcript: dict) -> None:
    """What is on record before the first line: a risk list, cadres, the villager's profile."""
    if "risk_list" in transcript:
        import_list(server, transcript["risk_list"])
    if "cadres" in transcript:
        bind(server.state.db, *[(*cadre[:4], cadre[4] or None) for cadre in transcript["cadres"]])
    if "villager" in transcript:
        villager(server, transcript["openid"], **transcript["villager"])


def _check_records(server, transcript: dict) -> None:
    """The profile on record and the messages queued, after the last line."""
    if "profile" in transcript:
        expected = tuple(value or None for value in transcript["profile"])
        assert profile(server, transcript["openid"]) == expected
    for openid, expected in transcript.get("outbox", {}).items():
        queued = [message.text for message in outbox(server, openid)]
        assert len(queued) == len(expected), f"{openid}'s outbox: {queued}"
        for check, text in zip(expected, queued, strict=True):
            check_reply({"contains": check} if isinstance(check, str) else check, text)


def play(server, transcript: dict) -> None:
    """Play one transcript through the live server's webhook: every reply, then what is on record."""
    unknown = set(transcript) - KEYS
    assert not unknown, f"unknown keys in transcript {transcript.get('name')}: {sorted(unknown)}"
    moment = transcript.get("at")
    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=True) if moment else nullcontext():
        _prepare(server, transcript)
        client = server.client(transcript["openid"])
        for step in transcript["steps"]:
            reply = client.event(step["event"], step.get("key", "")) if "event" in step else client.say(step["say"])
            check_reply(step, reply or "")
    _check_records(server, transcript)

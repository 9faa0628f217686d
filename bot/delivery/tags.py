"""Village tags on WeChat: one tag per village, each subscribed villager carrying their own village's tag.

A person's `tagged_village_id` records what WeChat holds, so it changes only after WeChat accepted a call: a
refused batch keeps its old value and is simply found again by the next run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.wechat.client import WeChatApi
from bot.wechat.errors import WeChatError
from models.db import transaction
from models.person import forget_village_tag_carriers, record_village_tag, village_tag_moves
from models.sql import Sql
from models.town import set_village_tag, village_tags

log = logging.getLogger(__name__)
MAX_BATCH = 50  # openids per tags/members call
NAME_TAKEN = 45157  # WeChat's "invalid tag name", also its answer when the name is already a tag
UNKNOWN_TAG = 45159  # the tag was deleted on WeChat (e.g. in the console)
TAG = "tags/members/batchtagging"
UNTAG = "tags/members/batchuntagging"


@dataclass
class TagSync:
    """What one run did; refused calls are left for the next run."""

    tags_created: int = 0
    tagged: int = 0
    untagged: int = 0
    failed_calls: int = 0


@dataclass(frozen=True)
class _Move:
    person_id: int
    openid: str
    old: int | None  # the village whose tag the person carries
    new: int | None  # the person's village now


def sync_tags(db: Engine, api: WeChatApi, *, batch: int = MAX_BATCH) -> TagSync:
    """Create the villages' missing tags, then move every subscribed person onto their village's tag."""
    if not 1 <= batch <= MAX_BATCH:
        raise ValueError(f"batch must be 1..{MAX_BATCH}, got {batch}")
    run = _Run(db, api, batch)
    run.create_missing_tags()
    moves = _pending_moves(db)
    untagged = run.untag([m for m in moves if m.old is not None])
    run.tag([m for m in moves if m.new is not None and (m.old is None or m.person_id in untagged)])
    return run.result


def _pending_moves(db: Engine) -> list[_Move]:
    """Subscribed people whose village differs from the village tag they carry."""
    with _sql(db) as sql:
        return [_Move(*row) for row in village_tag_moves(sql)]


class _Run:
    """One synchronisation: the villages' tag ids as they stand, and the counts."""

    def __init__(self, db: Engine, api: WeChatApi, batch: int):
        self.db, self.api, self.batch = db, api, batch
        self.result = TagSync()
        with _sql(db) as sql:
            self.villages = village_tags(sql)
        self.tag_ids = {v_id: tag for v_id, (_, tag) in self.villages.items() if tag is not None}
        self._existing: dict[str, int] | None = None

    def create_missing_tags(self) -> None:
        """A tag for every village that has none yet (a name WeChat already has is looked up instead)."""
        for village_id, (_, tag_id) in sorted(self.villages.items()):
            if tag_id is None:
                self._make_tag(village_id)

    def _make_tag(self, village_id: int) -> bool:
        """Create (or find by name) a village's tag and write its id down; False when WeChat refused."""
        name = self.villages[village_id][0]
        try:
            tag_id = self._create_or_find(name)
        except WeChatError as exc:
            self._failed(f"creating the tag {name!r}", exc)
            return False
        with _sql(self.db) as sql:
            set_village_tag(sql, village_id=village_id, tag_id=tag_id)
        self.tag_ids[village_id] = tag_id
        return True

    def _create_or_find(self, name: str) -> int:
        try:
            tag = self.api.call("tags/create", lambda c: c.tag.create(name))
            self.result.tags_created += 1
            return int(tag["id"])
        except WeChatError as exc:
            if exc.errcode != NAME_TAKEN:
                raise
            if self._existing is None:
                tags = self.api.call("tags/get", lambda c: c.tag.get())
                self._existing = {tag["name"]: int(tag["id"]) for tag in tags}
            if name not in self._existing:
                raise
            return self._existing[name]

    def untag(self, moves: list[_Move]) -> set[int]:
        """Take people off their old village's tag; the ids of those WeChat no longer tags with it."""
        done: set[int] = set()
        for village_id, group in _by_village(moves, lambda m: m.old).items():
            for chunk in _chunks(group, self.batch):
                if village_id in self.tag_ids:  # else the tag was deleted on WeChat: nobody carries it
                    if not self._call(UNTAG, village_id, chunk):
                        continue
                    self.result.untagged += len(chunk)
                done |= self._record(chunk, None)
        return done

    def tag(self, moves: list[_Move]) -> None:
        """Put people on their village's tag (villages whose tag could not be created wait for the next run)."""
        for village_id, group in _by_village(moves, lambda m: m.new).items():
            for chunk in _chunks(group, self.batch):
                if self._tag_chunk(village_id, chunk):
                    self._record(chunk, village_id)
                    self.result.tagged += len(chunk)

    def _tag_chunk(self, village_id: int, chunk: list[_Move]) -> bool:
        """Tag one batch; a tag deleted on WeChat is made again at once and the batch tried once more."""
        if village_id not in self.tag_ids:
            return False
        if self._call(TAG, village_id, chunk):
            return True
        return village_id not in self.tag_ids and self._remake_tag(village_id) and self._call(TAG, village_id, chunk)

    def _remake_tag(self, village_id: int) -> bool:
        """Create a village's tag again after WeChat said it no longer exists."""
        self._existing = None  # the names WeChat holds changed under us
        return self._make_tag(village_id)

    def _call(self, path: str, village_id: int, chunk: list[_Move]) -> bool:
        """One batch call; False (logged, counted) when WeChat refused it."""
        openids, tag_id = [m.openid for m in chunk], self.tag_ids[village_id]
        try:
            if path == TAG:
                self.api.call(path, lambda c: c.tag.tag_user(tag_id, openids))
            else:
                self.api.call(path, lambda c: c.tag.untag_user(tag_id, openids))
            return True
        except WeChatError as exc:
            self._failed(f"{path} for {len(chunk)} people of {self.villages[village_id][0]}", exc)
            if exc.errcode == UNKNOWN_TAG:
                self._forget_tag(village_id)
            return False

    def _record(self, moves: list[_Move], village_id: int | None) -> set[int]:
        """Write down the village tag these people now carry on WeChat."""
        ids = [m.person_id for m in moves]
        with _sql(self.db) as sql:
            record_village_tag(sql, person_ids=ids, village_id=village_id)
        return set(ids)

    def _forget_tag(self, village_id: int) -> None:
        """The tag was deleted on WeChat: nobody carries it; the next run creates it again and retags."""
        with _sql(self.db) as sql:
            set_village_tag(sql, village_id=village_id, tag_id=None)
            forget_village_tag_carriers(sql, village_id=village_id)
        self.tag_ids.pop(village_id, None)

    def _failed(self, what: str, exc: WeChatError) -> None:
        self.result.failed_calls += 1
        log.warning("WeChat refused %s: %s %s; left for the next run", what, exc.errcode, exc.errmsg)


@contextmanager
def _sql(db: Engine) -> Iterator[Sql]:
    """One transaction's hand-written statements."""
    with transaction(db) as session:
        yield Sql(session.connection())


def _by_village(moves: list[_Move], village_of) -> dict[int, list[_Move]]:
    groups: dict[int, list[_Move]] = defaultdict(list)
    for move in moves:
        groups[village_of(move)].append(move)
    return dict(sorted(groups.items()))


def _chunks(moves: list[_Move], size: int) -> list[list[_Move]]:
    return [moves[i : i + size] for i in range(0, len(moves), size)]

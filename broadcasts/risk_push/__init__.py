"""The daily risk-list push: the latest list for the provinces people here travel to, and what changed since the
last push, to every follower who has not opted out and to all checkpoint staff.

Due from RISK_PUSH_AT (town time) each day; a version imported later that day goes out at the next run. Each
version is pushed once: its run is an `announcement_run` of one system announcement (occurrence "list:<id>"),
and every outbox row is keyed by version and recipient. No new version since the last push: nothing is sent.
Followers inside WeChat's customer-service window get a "notice"; the rest a "broadcast" row, which the delivery
worker mass-sends within each person's monthly quota and otherwise sends person by person.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine

from bot.delivery.mass import BROADCAST
from broadcasts.risk_push.texts import TEXT
from broadcasts.scheduler import own_transactions
from models.announcement import (
    finish_run,
    locked_run_plan,
    run_finished,
    run_occurrences,
    save_run_progress,
    start_run,
    system_announcement,
)
from models.cadre import holders_anywhere
from models.db import transaction
from models.declaration import origin_provinces
from models.delivery import WINDOW, WINDOW_QUOTA
from models.outbox import enqueue_many
from models.outbox_body import store_body
from models.person import enqueue_to_list_followers, person_id_span
from models.riskarea import list_before, newest_list
from models.sql import Sql
from models.town import TownFileError, read_town_file
from town.clock import day_hour, reached
from town.riskareas.entries import Entry
from town.riskareas.store import Diff, diff_entries, read_entries
from town.riskareas.texts import LEVEL_NAMES
from town.settings import Settings

HENAN = "河南省"
TRAVEL_DAYS = 30  # declarations this recent say where people here travel
MAX_PROVINCES = 6
SHOWN_AREAS = 3  # per province and level
SHOWN_CHANGES = 5  # per change kind
SYSTEM_AUDIENCE = "risk-list"  # the announcement row that holds the pushes' runs (never planned as an announcement)
SYSTEM_STATUS = "system"
CHECKPOINT = "checkpoint"
BODY = "body"  # the progress's key for the stored text's id
CHUNK = 5000  # person ids per transaction: a few thousand rows and a commit, so a push never holds a long lock


@own_transactions
def job(db: Engine, now: dt.datetime, settings: Settings) -> int:
    """The scheduler's job: push the newest version once, from RISK_PUSH_AT; how many messages were queued."""
    if not reached(now, settings.risk_push_at):
        return 0
    return push(db, now, settings)


@dataclass
class _Push:
    """A version's push under way: what it says, to whom, and how far the followers' rows came."""

    announcement: int
    list_id: int
    text: str
    staff_ids: list[int]

    @property
    def occurrence(self) -> str:
        return _occurrence(self.list_id)


def push(db: Engine, now: dt.datetime, settings: Settings, *, chunk: int = CHUNK) -> int:
    """Push the newest version unless it was pushed already: checkpoint staff first, then the followers by ranges of
    `chunk` person ids, each range committed with the run's progress, so a push cut short resumes after the last
    range done (another process waits for a range's lock, never repeats one). How many messages were queued."""
    with transaction(db) as session:
        started = _begin(Sql(session.connection()), now, settings)
    if started is None:
        return 0
    while True:
        with transaction(db) as session:
            counts = _next_range(Sql(session.connection()), started, now, chunk)
        if counts is not None:
            return sum(counts.values())


def _begin(sql: Sql, now: dt.datetime, settings: Settings) -> _Push | None:
    """Claim the newest version's run (or find it cut short) and tell the checkpoint staff; None: nothing to push."""
    latest = newest_list(sql)
    if latest is None:
        return None
    list_id, published = latest
    announcement = _system_announcement(sql, now)
    occurrence = _occurrence(list_id)
    previous = _pushed_before(sql, announcement, list_id)
    if previous is not None and previous > list_id:
        return None
    claimed = _claim(sql, announcement, list_id, now)
    if not claimed and run_finished(sql, announcement_id=announcement, occurrence=occurrence):
        return None
    new = read_entries(sql, list_id)
    old_id = _pushed_before(sql, announcement, list_id, earlier=True) or list_before(sql, list_id=list_id)
    changes = diff_entries(read_entries(sql, old_id), new) if old_id else None
    body = compose(new, changes, provinces=travel_provinces(sql, now, settings), published=published)
    staff = checkpoint_staff(sql)
    started = _Push(announcement, list_id, f"{body}\n{TEXT.villager_end}", [person_id for person_id, _ in staff])
    if claimed:
        messages = [
            {
                "key": f"risk-list:{list_id}:{pid}",
                "openid": openid,
                "kind": "notice",
                "text": f"{body}\n{TEXT.staff_end}",
            }
            for pid, openid in staff
        ]
        first, last = person_id_span(sql)
        progress = {"after": first, "last": last, "staff": enqueue_many(sql, messages, now=now)}
        # The followers' text once, each of their rows pointing to it (a copy per row, 2.7 KB at a county, was most
        # of what a push wrote).
        progress[BODY] = store_body(sql, text=started.text, now=now)
        save_run_progress(sql, announcement_id=announcement, occurrence=occurrence, plan=json.dumps(progress))
    return started


def _next_range(sql: Sql, started: _Push, now: dt.datetime, chunk: int) -> Counter | None:
    """The followers' rows of the next range of person ids, committed with the progress; at the end the run is
    finished and its counts returned (None while there is more)."""
    plan = locked_run_plan(sql, announcement_id=started.announcement, occurrence=started.occurrence)
    progress = json.loads(plan or "{}")
    counts = Counter({k: v for k, v in progress.items() if k not in ("after", "last", BODY)})
    if "after" not in progress:
        return counts  # finished meanwhile by another process
    after, last = progress["after"], progress["last"]
    if after >= last:
        finish_run(
            sql,
            announcement_id=started.announcement,
            occurrence=started.occurrence,
            plan=json.dumps(dict(counts)),
            now=now,
        )
        return counts
    upto = min(after + chunk, last)
    payload = json.dumps({BROADCAST: f"risk-list:{started.list_id}"}, ensure_ascii=False)
    notices, broadcasts = enqueue_to_list_followers(
        sql,
        prefix=f"risk-list:{started.list_id}:",
        text=started.text,
        kinds=(("notice", "{}"), (BROADCAST, payload)),
        skip_ids=started.staff_ids,
        window_since=now - WINDOW,
        quota=WINDOW_QUOTA,
        now=now,
        id_range=(after, upto),
        body_id=progress.get(BODY),  # None: a push begun before bodies were stored copies the text as it did
    )
    counts.update({"notice": notices, BROADCAST: broadcasts})
    progress = {**dict(counts), "after": upto, "last": last, BODY: progress.get(BODY)}
    save_run_progress(
        sql, announcement_id=started.announcement, occurrence=started.occurrence, plan=json.dumps(progress)
    )
    return None


def _occurrence(list_id: int) -> str:
    return f"list:{list_id}"


def _system_announcement(sql: Sql, now: dt.datetime) -> int:
    """The one announcement row whose runs are the pushes (created on first use)."""
    return system_announcement(
        sql, audience=SYSTEM_AUDIENCE, status=SYSTEM_STATUS, text=TEXT.system_row, created_by="risk_push", now=now
    )


def _pushed_before(sql: Sql, announcement: int, list_id: int, *, earlier: bool = False) -> int | None:
    """The newest version with a run (`earlier`: older than this one)."""
    occurrences = run_occurrences(sql, announcement_id=announcement)
    pushed = [int(occurrence.split(":", 1)[1]) for occurrence in occurrences if occurrence.startswith("list:")]
    return max((p for p in pushed if not earlier or p < list_id), default=None)


def _claim(sql: Sql, announcement: int, list_id: int, now: dt.datetime) -> bool:
    """Record this version's run; False when a run for it exists (the unique key decides between processes)."""
    return start_run(sql, announcement_id=announcement, occurrence=_occurrence(list_id), now=now)


def checkpoint_staff(sql: Sql) -> list[tuple[int, str]]:
    """Every checkpoint officer (person id, openid): they get the list whether or not they follow it."""
    staff = {holder.person_id: holder.openid for holder in holders_anywhere(sql, roles=(CHECKPOINT,))}
    return sorted(staff.items())


def travel_provinces(sql: Sql, now: dt.datetime, settings: Settings) -> list[str]:
    """The town's own province, 河南省, then where recent returnees came from (most first); at most MAX_PROVINCES."""
    try:
        home = read_town_file(settings.town_file).province
    except TownFileError:
        home = ""
    ordered = [home, HENAN, *origin_provinces(sql, since=now - dt.timedelta(days=TRAVEL_DAYS))]
    return list(dict.fromkeys(p for p in ordered if p))[:MAX_PROVINCES]


def compose(entries: list[Entry], changes: Diff | None, *, provinces: list[str], published) -> str:
    """The message body: title, what changed, the travel provinces, the national totals."""
    lines = [TEXT.title.format(when=_when(published))]
    lines += _changes(changes)
    lines.append(TEXT.provinces)
    for province in provinces:
        lines += _province(province, [e for e in entries if e.province == province])
    totals = Counter(e.level for e in entries)
    lines.append(TEXT.elsewhere.format(high=totals["high"], medium=totals["medium"]))
    return "\n".join(lines)


def _changes(changes: Diff | None) -> list[str]:
    if changes is None:
        return [TEXT.first]
    if not (changes.added or changes.removed or changes.level_up or changes.level_down):
        return [TEXT.no_changes]
    level = LEVEL_NAMES
    parts = [
        (TEXT.added, [TEXT.area_level.format(place=e.place(), level=level[e.level]) for e in changes.added]),
        (TEXT.removed, [TEXT.area_level.format(place=e.place(), level=level[e.level]) for e in changes.removed]),
        (TEXT.up, [_move(old, new) for old, new in changes.level_up]),
        (TEXT.down, [_move(old, new) for old, new in changes.level_down]),
    ]
    return [TEXT.changes] + [template.format(n=len(areas), areas=_list(areas)) for template, areas in parts if areas]


def _move(old: Entry, new: Entry) -> str:
    return TEXT.area_move.format(place=new.place(), old=LEVEL_NAMES[old.level], new=LEVEL_NAMES[new.level])


def _province(province: str, entries: list[Entry]) -> list[str]:
    listed = [e for e in entries if e.level in ("high", "medium")]
    if not listed:
        return [TEXT.province_none.format(province=province)]
    counts = Counter(e.level for e in listed)
    shown = TEXT.comma.join(
        TEXT.count.format(level=LEVEL_NAMES[level], n=counts[level]) for level in ("high", "medium") if counts[level]
    )
    lines = [TEXT.province.format(province=province, counts=shown)]
    for level, template in (("high", TEXT.highs), ("medium", TEXT.mediums)):
        areas = [_local_place(e) for e in listed if e.level == level]
        if areas:
            lines.append(template.format(areas=_list(areas, SHOWN_AREAS)))
    return lines


def _local_place(entry: Entry) -> str:
    """The place without its province (the line already names it)."""
    return entry.place().removeprefix(entry.province) or entry.place()


def _list(items: list[str], shown: int = SHOWN_CHANGES) -> str:
    text = TEXT.separator.join(items[:shown])
    return text + (TEXT.more.format(n=len(items)) if len(items) > shown else "")


def _when(published: dt.datetime | None) -> str:
    return day_hour(published) if published is not None else TEXT.unknown_when

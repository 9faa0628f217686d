"""A new risk-list version: re-classify active declarations; apply what is stricter, propose what is laxer.

Declarations are done in id order, a chunk per transaction; the list version's run row keeps how far it came,
so a crash resumes where it stopped and a chunk's alerts commit with it (never sent twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from models.db import transaction
from models.declaration import (
    DECLINED,
    PROPOSED,
    SUPERSEDED,
    Classification,
    Declaration,
    active_chunk,
    active_with_current,
    count_active_after,
    disposition_before,
    newest_after,
    newest_after_each,
    save_classifications,
    set_statuses,
)
from models.outbox import enqueue_many
from models.person import openids_of
from models.quarantine import CENTRAL
from models.reclassify import ReclassifyRun, advance, finish, locked_run, start_run
from models.riskarea import newest_list_id
from models.sql import Sql
from town import clock
from town.alerts import ALERT, send_alert
from town.bundle import Bundle
from town.care import Change, apply_quarantines
from town.clock import day_hour
from town.command import Roster, town_command
from town.policy import DISPOSITIONS, ListInfo, Policy, classify
from town.reclassify.messages import (
    deciders,
    describe,
    fact_key,
    facts_of,
    household,
    household_notices,
    list_date,
    next_step,
    origin_text,
    period,
    samples,
    span,
    stale_line,
    tell_household,
)
from town.reclassify.texts import TEXT
from town.riskareas.entries import ParsedList
from town.riskareas.index import RiskIndex
from town.riskareas.store import ImportResult, store_in
from town.riskareas.texts import WARNING

__all__ = [
    "CHUNK", "OVERRIDE", "RELISTED", "Summary", "after_current", "ingest", "reclassify_active", "reclassify_in_chunks",
    "reclassify_rows", "warn_counts",
    "deciders", "describe", "facts_of", "household", "next_step", "origin_text", "period", "samples", "span",
    "tell_household",
]  # fmt: skip

RELISTED, OVERRIDE = "relisted", "override"
# 无需隔离 0 ... 集中隔离 3: DISPOSITIONS runs from the strictest down.
SEVERITY = {disposition: rank for rank, disposition in enumerate(reversed(DISPOSITIONS))}
CHUNK = 2000  # declarations per transaction: a few seconds of locks, a few thousand alerts at most
Progress = Callable[[int, int], None]  # (done, total), after each chunk commits
Rows = Sequence[tuple[Declaration, Classification]]


@dataclass
class Summary:
    """What one re-classification did, by declaration id (an interrupted earlier run's part only counted)."""

    checked: int = 0
    upgraded: list[int] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)
    unchanged: int = 0
    earlier_upgraded: int = 0
    earlier_proposed: int = 0

    def line(self) -> str:
        """One line for the operator."""
        counts = {
            "upgraded": len(self.upgraded) + self.earlier_upgraded,
            "proposed": len(self.proposed) + self.earlier_proposed,
        }
        return TEXT.summary.format(checked=self.checked, unchanged=self.unchanged, **counts)

    def counts(self) -> dict[str, int]:
        """This summary's counts, as the run row adds them up."""
        return {
            "checked": self.checked,
            "upgraded": len(self.upgraded),
            "proposed": len(self.proposed),
            "unchanged": self.unchanged,
        }


def ingest(
    db: Engine,
    parsed: ParsedList,
    *,
    policy: Policy,
    now: dt.datetime,
    chunk: int = CHUNK,
    progress: Progress | None = None,
    on_store: Callable[[Session, ImportResult], None] | None = None,
) -> tuple[ImportResult, Summary | None]:
    """Store a list version; when it is new (or its re-classification was cut short), re-classify in chunks.

    `on_store` runs in the storing transaction (the dashboard's audit row commits with the version).
    """
    with transaction(db) as session, clock.handling(now):  # the alerts' dates are said against `now`
        result = store_in(Sql(session.connection()), parsed)
        if on_store is not None:
            on_store(session, result)
        if result.created:
            warn_counts(Sql(session.connection()), parsed, result, now)
            start_run(session, list_id=result.list_id, now=now)
        elif not _resumable(session, result.list_id):
            return result, None
    index = RiskIndex(parsed.entries, result.list_id)
    info = ListInfo(result.list_id, result.published_at)
    summary = reclassify_in_chunks(
        db, policy=policy, index=index, list_info=info, now=now, chunk=chunk, progress=progress
    )
    return result, summary


def _resumable(session: Session, list_id: int) -> bool:
    """The version's re-classification was cut short, and no newer version has come since (it would undo it)."""
    run = locked_run(session, list_id=list_id)
    return run is not None and run.finished_at is None and newest_list_id(Sql(session.connection())) == list_id


def warn_counts(sql: Sql, parsed: ParsedList, result: ImportResult, now: dt.datetime) -> int:
    """Header counts that disagree with the areas listed, to the town command once per list version."""
    if not parsed.warnings:
        return 0
    text = WARNING.alert.format(
        when=day_hour(parsed.published_at) if parsed.published_at else TEXT.latest,
        n=len(parsed.warnings),
        lines="\n".join(WARNING.line.format(line=line, message=message) for line, message in parsed.warnings),
    )
    sent = 0
    for holder in town_command(sql):
        key = f"list-counts:{result.list_id}:{holder.person_id}"
        sent += send_alert(sql, key=key, recipient_openid=holder.openid, text=text, now=now)
    return sent


def reclassify_in_chunks(
    db: Engine, *, policy: Policy, index: RiskIndex, list_info: ListInfo, now, chunk: int = CHUNK, progress=None
) -> Summary:
    """Re-classify the active declarations after the run's last one, a chunk per transaction, to the end."""
    today, summary, total, memo = clock.today(now), Summary(), None, {}
    while True:
        with transaction(db) as session, clock.handling(now):
            run = locked_run(session, list_id=list_info.id)
            if run is None:
                return summary
            if total is None:
                total = run.checked + count_active_after(session, today=today, after_id=run.after_id)
            done = run.finished_at is not None or newest_list_id(Sql(session.connection())) != list_info.id
            rows = [] if done else active_chunk(session, today=today, after_id=run.after_id, limit=chunk)
            if not rows:  # every declaration done, or a newer version came in: it re-classifies them all
                if run.finished_at is None:
                    finish(session, run=run, now=now)
                return _totals(summary, run)
            part = Summary()
            reclassify_rows(
                session, rows, part, policy=policy, index=index, list_info=list_info, today=today, now=now, memo=memo
            )
            advance(session, run=run, after_id=rows[-1][0].id, counts=part.counts())
        summary.upgraded += part.upgraded
        summary.proposed += part.proposed
        if progress is not None:
            progress(run.checked, max(total, run.checked))


def _totals(summary: Summary, run: ReclassifyRun) -> Summary:
    """The whole version's counts, with the ids of what this process did."""
    summary.checked, summary.unchanged = run.checked, run.unchanged
    summary.earlier_upgraded = run.upgraded - len(summary.upgraded)
    summary.earlier_proposed = run.proposed - len(summary.proposed)
    return summary


def reclassify_active(
    session: Session, *, policy: Policy, index: RiskIndex | None, list_info: ListInfo | None, today, now
) -> Summary:
    """Classify every active declaration again in the caller's transaction (no run row: nothing resumes)."""
    summary = Summary()
    rows = active_with_current(session, today=today)
    reclassify_rows(session, rows, summary, policy=policy, index=index, list_info=list_info, today=today, now=now)
    return summary


def reclassify_rows(
    session: Session, rows: Rows, summary: Summary, *, policy, index, list_info, today, now, memo: dict | None = None
) -> None:
    """Classify these declarations (in id order) again; stricter outcomes apply at once, laxer ones wait.

    The chunk's writes and messages go together: one save of the upgrades, one of the proposals, the care of all
    upgraded households at once (town.care.apply_quarantines), one executemany of the messages. The policy runs
    once per distinct set of facts (`memo`, kept across a run's chunks: the list, policy and day are the same).
    """
    if not rows:
        return
    sql = Sql(session.connection())
    later = newest_after_each(session, first_id=rows[0][0].id, last_id=rows[-1][0].id)  # one query, not one each
    upgrades, proposals, superseded, memo = [], [], [], {} if memo is None else memo
    for declaration, current in rows:
        key = fact_key(declaration)
        result = memo.get(key)
        if result is None:
            result = memo[key] = classify(policy, index, list_info, facts_of(declaration), today)
        summary.checked += 1
        step = SEVERITY[result.disposition] - SEVERITY[current.disposition]
        if current.rule_id == OVERRIDE and _baseline(session, current) == result.disposition:
            step = 0  # a cadre's decision stands until the list changes this person's outcome
        pending = later.get(declaration.id)
        waiting = pending is not None and pending.status == PROPOSED
        if step > 0:
            upgrades.append((declaration, current, result))
            summary.upgraded.append(declaration.id)
        elif step < 0 and not _asked(pending, result):
            proposals.append((declaration, current, result))
            summary.proposed.append(declaration.id)
            superseded += [pending] if waiting else []
        else:
            superseded += [pending] if step == 0 and waiting else []  # the new list agrees with the one in force
            summary.unchanged += 1
    set_statuses(session, rows=superseded, status=SUPERSEDED)
    chunk = _Chunk(sql, [d.village_id for d, _ in rows], list_info, now, policy.risk_list_max_age_days)
    messages = _upgrade(session, chunk, upgrades) + _propose(session, chunk, proposals)
    enqueue_many(sql, messages, now=now)


@dataclass
class _Chunk:
    """What a chunk's messages share: the villages' cadres (read once), the list and the moment."""

    sql: Sql
    village_ids: list
    list_info: ListInfo | None
    now: dt.datetime
    max_age: int

    def __post_init__(self):
        self.roster = Roster(self.sql, self.village_ids)

    def facts(self, declaration, row) -> dict:
        facts = describe(self.sql, declaration, row, village=self.roster.names.get(declaration.village_id, ""))
        return {**facts, "list_date": list_date(self.list_info), "reason": row.reason}

    def stale(self) -> str:
        return stale_line(self.list_info, self.now, self.max_age)


def _asked(earlier: Classification | None, result) -> bool:
    """The same laxer outcome was already proposed or declined."""
    return earlier is not None and earlier.status in (PROPOSED, DECLINED) and earlier.disposition == result.disposition


def _baseline(session: Session, current: Classification) -> str | None:
    """The policy's outcome that a cadre's override replaced."""
    return disposition_before(
        session, declaration_id=current.declaration_id, before_id=current.id, except_rule=OVERRIDE
    )


def after_current(session: Session, current: Classification) -> Classification | None:
    """The newest proposal since the classification in force (waiting, declined or replaced)."""
    return newest_after(session, declaration_id=current.declaration_id, after_id=current.id)


def _upgrade(session: Session, chunk: _Chunk, upgrades: list) -> list[dict]:
    """Apply the stricter outcomes; the messages telling the cadres (with what it changes in their 四包一) and the
    households, declaration by declaration."""
    saved = save_classifications(
        session, outcomes=[(d.id, result) for d, _, result in upgrades], now=chunk.now, source=RELISTED
    )
    bundles, changes = {}, []
    for (declaration, current, result), row in zip(upgrades, saved, strict=True):
        urgent = row.alert or row.disposition == CENTRAL
        text = TEXT.upgrade.format(
            urgent=TEXT.urgent if urgent else "", old=current.disposition, new=row.disposition, samples=samples(row),
            **chunk.facts(declaration, row),
        ) + chunk.stale()  # fmt: skip
        bundle = bundles[declaration.id] = Bundle()  # one message per cadre: the upgrade, then their 四包一
        for holder in deciders(chunk.sql, village_id=declaration.village_id, urgent=urgent, roster=chunk.roster):
            key = f"relisted:{declaration.id}:{row.id}:{holder.person_id}"
            bundle.add(person_id=holder.person_id, openid=holder.openid, key=key, text=text)
        changes.append(Change(declaration, row, result.home_start))
    apply_quarantines(session, changes, now=chunk.now, bundles=bundles, roster=chunk.roster)
    openids = _openids(chunk.sql, [d for d, _, _ in upgrades])
    messages = []
    for (declaration, _, _), row in zip(upgrades, saved, strict=True):
        messages += bundles[declaration.id].messages()
        messages += household_notices(declaration, row, openids, TEXT.villager_relisted, RELISTED)
    return messages


def _propose(session: Session, chunk: _Chunk, proposals: list) -> list[dict]:
    """Store the laxer outcomes as proposals; the messages asking the cadres."""
    saved = save_classifications(
        session, outcomes=[(d.id, result) for d, _, result in proposals], now=chunk.now, source=RELISTED,
        status=PROPOSED,
    )  # fmt: skip
    messages = []
    for (declaration, current, _), row in zip(proposals, saved, strict=True):
        text = TEXT.proposal.format(old=current.disposition, new=row.disposition, **chunk.facts(declaration, row))
        for holder in deciders(chunk.sql, village_id=declaration.village_id, urgent=False, roster=chunk.roster):
            key = f"proposal:{declaration.id}:{row.id}:{holder.person_id}"
            messages.append({"key": key, "openid": holder.openid, "kind": ALERT, "text": text + chunk.stale()})
    return messages


def _openids(sql: Sql, declarations: list) -> dict[int, str]:
    """The openids of the returnees and of whoever declared for them, by person id."""
    ids = sorted({pid for d in declarations for pid in (d.person_id, d.declared_by_person_id) if pid})
    return dict(openids_of(sql, person_ids=ids)) if ids else {}

"""The planner: which channel reaches each person of an audience, then every row enqueued set-wise.

One row per recipient and occurrence, keyed `ann:<id>:<occurrence>:<openid>` whatever the channel, so running an
occurrence again (a retry, a second process, a crash between statements) adds nobody twice. A village whose WeChat
tag carries only people of the audience gets one `sendall` to its tag: one carrier row is queued, the others wait
as `covered` until `settle_covered` copies the carrier's outcome onto them (the worker claims in batches, and a
tag must be sent once). Everything is INSERT ... SELECT (models.audience): no Python object per recipient.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from broadcasts.announcements.audience import Audience
from broadcasts.announcements.texts import TEXT
from models.audience import (
    Reach,
    classify,
    clean_village_tags,
    count_by_channel,
    enqueue_direct,
    enqueue_tag,
    forget,
    unreachable_people,
)
from models.mass import finished_tag_carriers, mass_send_since, requeue_covered, send_covered_with_carrier
from models.outbox_body import store_body
from models.sql import Sql
from models.town import village_tag_id
from town import clock
from town.settings import Settings

COVERED = "covered"
TAG, CUSTOM, MASS, NONE = "tag", "custom", "mass", "none"
NAMES_SHOWN = 20
SETTLE_WITHIN = dt.timedelta(days=3)  # a tag send not settled by then never will be


@dataclass
class Plan:
    """How many each channel reaches, and who cannot be reached (the first few by name)."""

    total: int = 0
    custom: int = 0
    mass: int = 0
    tags: dict[str, int] = field(default_factory=dict)
    unreachable: int = 0
    unreachable_names: list[str] = field(default_factory=list)
    scripts: int = 0
    enqueued: int = 0

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)

    def describe(self) -> str:
        """The plan in Chinese, for the operator who composed the announcement."""
        if not self.total:
            return TEXT.plan_empty
        lines = []
        if self.tags:
            villages = TEXT.separator.join(TEXT.plan_village.format(name=name, n=n) for name, n in self.tags.items())
            lines.append(TEXT.plan_tag.format(n=sum(self.tags.values()), villages=villages))
        if self.mass:
            lines.append(TEXT.plan_mass.format(n=self.mass))
        if self.custom:
            lines.append(TEXT.plan_custom.format(n=self.custom))
        if self.unreachable:
            more = TEXT.plan_more if self.unreachable > len(self.unreachable_names) else ""
            names = TEXT.separator.join(self.unreachable_names)
            lines.append(TEXT.plan_none.format(n=self.unreachable, names=names, more=more))
        if self.scripts:
            lines.append(TEXT.plan_scripts.format(n=self.scripts))
        return TEXT.plan.format(total=self.total, lines="\n".join(lines))


@dataclass(frozen=True)
class Occurrence:
    """One sending of one announcement: what, to whom, and the key prefix of its rows."""

    announcement_id: int
    occurrence: str
    text: str
    audience: Audience
    first: bool = False  # its run was started in this transaction: none of its rows exists yet

    @property
    def prefix(self) -> str:
        return f"ann:{self.announcement_id}:{self.occurrence}:"


class Planner:
    """Plans and enqueues one occurrence inside the caller's transaction."""

    def __init__(self, sql: Sql, settings: Settings, now: dt.datetime):
        self.sql, self.settings, self.now = sql, settings, now
        self.tz = clock.zone()
        self.service = settings.wechat_account_type == "service"

    def plan(self, occ: Occurrence, *, enqueue: bool) -> Plan:
        """Count by channel; with `enqueue`, also write every row (idempotent)."""
        tags = self._usable_tags(occ.audience)
        reach = self._classified(occ.audience, tags)
        try:
            return self._plan(occ, reach, tags, enqueue=enqueue)
        finally:
            forget(self.sql, reach=reach)

    def _plan(self, occ: Occurrence, reach: Reach, tags: dict[int, str], *, enqueue: bool) -> Plan:
        plan = Plan()
        for how, village_id, count in count_by_channel(self.sql, reach=reach):
            plan.total += count
            if how == TAG:
                plan.tags[tags[village_id]] = plan.tags.get(tags[village_id], 0) + count
            else:
                setattr(plan, _FIELD[how], getattr(plan, _FIELD[how]) + count)
        plan.tags = dict(sorted(plan.tags.items()))
        names = unreachable_people(self.sql, reach=reach, limit=NAMES_SHOWN)
        plan.unreachable_names = [name or TEXT.nameless for name, _ in names]
        if enqueue:
            plan.enqueued = self._enqueue(occ, reach, tags)
        return plan

    def _usable_tags(self, audience: Audience) -> dict[int, str]:
        """Village tags that reach only this audience; a subscription account has one mass send a day."""
        if audience.kind not in ("all", "village", "workarea"):
            return {}
        rows = clean_village_tags(self.sql, village_ids=audience.village_ids)
        usable = {village_id: name for village_id, name, n in rows if n}
        if self.service:
            return usable
        if self._mass_today():
            return {}
        biggest = max(((n, village_id) for village_id, _, n in rows if village_id in usable), default=None)
        return {biggest[1]: usable[biggest[1]]} if biggest else {}

    def _mass_today(self) -> bool:
        """A subscription account already used (or queued) today's only mass send."""
        midnight = dt.datetime.combine(self.now.astimezone(self.tz).date(), dt.time(), self.tz).astimezone(dt.UTC)
        return mass_send_since(self.sql, since=midnight)

    def _classified(self, audience: Audience, tags: dict[int, str]) -> Reach:
        local = self.now.astimezone(self.tz)
        month_start = dt.datetime(local.year, local.month, 1, tzinfo=self.tz).astimezone(dt.UTC)
        return classify(
            self.sql,
            kind=audience.kind,
            village_ids=audience.village_ids,
            tag_village_ids=list(tags),
            now=self.now,
            month_start=month_start,
            service=self.service,
        )

    def _enqueue(self, occ: Occurrence, reach: Reach, tags: dict[int, str]) -> int:
        """Every row of the occurrence in three statements (and one per village tag)."""
        body = store_body(self.sql, text=TEXT.message.format(text=occ.text), now=self.now)  # once, not per row
        custom = json.dumps({"title": TEXT.title, "announcement": occ.announcement_id}, ensure_ascii=False)
        mass = json.dumps({"broadcast": occ.prefix.rstrip(":"), "announcement": occ.announcement_id})
        added = enqueue_direct(
            self.sql, reach=reach, prefix=occ.prefix, body=body, custom=custom, mass=mass, now=self.now, first=occ.first
        )
        for village_id in sorted(tags):
            added += self._enqueue_tag(occ, reach, body, village_id)
        return added

    def _enqueue_tag(self, occ: Occurrence, reach: Reach, body: int, village_id: int) -> int:
        """One carrier row queued for the village's tag; everyone else it covers waits as `covered`."""
        tag_id = village_tag_id(self.sql, village_id=village_id)
        payload = json.dumps({"broadcast": f"{occ.prefix}tag{tag_id}", "tag_id": tag_id})
        covered = json.dumps({"broadcast": f"{occ.prefix}tag{tag_id}", "tag_id": tag_id, "covered": True})
        return enqueue_tag(
            self.sql,
            reach=reach,
            prefix=occ.prefix,
            body=body,
            village_id=village_id,
            payload=payload,
            covered=covered,
            now=self.now,
            first=occ.first,
        )


_FIELD = {CUSTOM: "custom", MASS: "mass", NONE: "unreachable"}


def settle_covered(sql: Sql, *, now: dt.datetime) -> int:
    """Rows a village tag covered take their carrier's outcome: sent with it, or queued person by person."""
    settled = 0
    for payload, status, channel, sent_at, msgid in finished_tag_carriers(sql, since=now - SETTLE_WITHIN):
        covered = payload.replace("}", ', "covered": true}')
        if status in ("sent", "delivered") and channel == "mass":
            settled += send_covered_with_carrier(sql, covered=covered, status=status, sent_at=sent_at, msgid=msgid)
        else:  # the tag send failed: each person on the best channel they have
            payload = json.dumps({"title": TEXT.title}, ensure_ascii=False)
            settled += requeue_covered(sql, covered=covered, payload=payload, now=now)
    return settled

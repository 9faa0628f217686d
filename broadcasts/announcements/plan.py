"""The planner: which channel reaches each person of an audience, then every row enqueued set-wise.

One row per recipient and occurrence, keyed `ann:<id>:<occurrence>:<openid>` whatever the channel, so running an
occurrence again (a retry, a second process, a crash between statements) adds nobody twice. A village whose WeChat
tag carries only people of the audience gets one `sendall` to its tag: one carrier row is queued, the others wait
as `covered` until `settle_covered` copies the carrier's outcome onto them (the worker claims in batches, and a
tag must be sent once). Everything is INSERT ... SELECT: no Python object per recipient.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from broadcasts.announcements.audience import Audience
from broadcasts.announcements.texts import TEXT
from models.delivery import MASS_MONTHLY_QUOTA, SHORT_WINDOW, SHORT_WINDOW_QUOTA, WINDOW, WINDOW_QUOTA
from models.sql import Sql
from town import clock
from town.settings import Settings

COVERED = "covered"
TAG, CUSTOM, MASS, NONE = "tag", "custom", "mass", "none"
NAMES_SHOWN = 20
UNLIMITED = 1_000_000
SETTLE_WITHIN = dt.timedelta(days=3)  # a tag send not settled by then never will be

# The audience with what decides its channel: WeChat's window, mass sends this month, refused channels, the tag.
CLASSIFIED = """
WITH aud AS (
  SELECT p.id, p.openid, p.name, p.village_id, p.tagged_village_id,
    CASE WHEN p.last_inbound_at > :long_since THEN (CASE WHEN p.cs_used < {window_quota} THEN 1 ELSE 0 END)
         WHEN p.short_window_at > :short_since AND p.cs_used < {short_quota} THEN 1 ELSE 0 END AS win,
    (SELECT COUNT(*) FROM outbox_message o WHERE o.recipient_openid = p.openid AND o.channel = 'mass'
       AND o.status IN ('sent', 'delivered') AND o.sent_at >= :month_start) AS used,
    (SELECT COUNT(*) FROM channel_block b WHERE b.openid = p.openid AND b.channel = 'custom') AS cs_blocked,
    (SELECT COUNT(*) FROM channel_block b WHERE b.openid = p.openid AND b.channel = 'mass') AS mass_blocked
  FROM person p WHERE {where}
), cls AS (
  SELECT id, openid, name, village_id, tagged_village_id, CASE
    WHEN tagged_village_id IN {tags} AND used < :tag_quota AND mass_blocked = 0 THEN 'tag'
    WHEN win = 1 AND cs_blocked = 0 THEN 'custom'
    WHEN :service = 1 AND used < {mass_quota} AND mass_blocked = 0 THEN 'mass'
    ELSE 'none' END AS how
  FROM aud
)
"""
INSERT = (
    "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, payload, status, attempts,"
    " created_at, due_at) {select} ON CONFLICT (idempotency_key) DO NOTHING"
)


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
            villages = TEXT.separator.join(f"{name}{n}人" for name, n in self.tags.items())
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
        classified, params = self._classified(occ.audience, tags)
        plan = Plan()
        for how, village_id, count in self.sql.all(
            classified + "SELECT how, village_id, COUNT(*) FROM cls GROUP BY how, village_id", **params
        ):
            plan.total += count
            if how == TAG:
                plan.tags[tags[village_id]] = plan.tags.get(tags[village_id], 0) + count
            else:
                setattr(plan, _FIELD[how], getattr(plan, _FIELD[how]) + count)
        plan.tags = dict(sorted(plan.tags.items()))
        names = self.sql.all(
            classified + f"SELECT name, openid FROM cls WHERE how = 'none' ORDER BY id LIMIT {NAMES_SHOWN}", **params
        )
        plan.unreachable_names = [name or TEXT.nameless for name, _ in names]
        if enqueue:
            plan.enqueued = self._enqueue(occ, classified, params, tags)
        return plan

    def _usable_tags(self, audience: Audience) -> dict[int, str]:
        """Village tags that reach only this audience; a subscription account has one mass send a day."""
        if audience.kind not in ("all", "village", "workarea"):
            return {}
        ids, params = self.sql.in_list("tv", list(audience.village_ids or []))
        where = f" AND v.id IN {ids}" if audience.village_ids is not None else ""
        # A tag is usable when nobody carrying it would hear what is not for them (opted out, moved away).
        rows = self.sql.all(
            "SELECT v.id, v.name, (SELECT COUNT(*) FROM person p WHERE p.tagged_village_id = v.id AND p.subscribed ="
            " :yes AND p.announcements_opted_out = :no) AS n FROM village v WHERE v.wechat_tag_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM person p WHERE p.tagged_village_id = v.id AND p.subscribed = :yes"
            " AND (p.announcements_opted_out = :yes OR p.village_id IS NULL OR p.village_id <> v.id))" + where,
            yes=self.sql.flag(True),
            no=self.sql.flag(False),
            **params,
        )
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
        row = self.sql.one(
            "SELECT 1 FROM outbox_message WHERE (channel = 'mass' AND sent_at >= :midnight) OR (kind = 'broadcast'"
            " AND status IN ('queued', 'sending') AND created_at >= :midnight) LIMIT 1",
            midnight=self.sql.time(midnight),
        )
        return row is not None

    def _classified(self, audience: Audience, tags: dict[int, str]) -> tuple[str, dict]:
        where, params = audience.where(self.sql)
        tag_ids, tag_params = self.sql.in_list("tags", sorted(tags))
        local = self.now.astimezone(self.tz)
        month_start = dt.datetime(local.year, local.month, 1, tzinfo=self.tz).astimezone(dt.UTC)
        text = CLASSIFIED.format(
            where=where,
            tags=tag_ids,
            window_quota=WINDOW_QUOTA,
            short_quota=SHORT_WINDOW_QUOTA,
            mass_quota=MASS_MONTHLY_QUOTA,
        )
        return text, {
            **params,
            **tag_params,
            "long_since": self.sql.time(self.now - WINDOW),
            "short_since": self.sql.time(self.now - SHORT_WINDOW),
            "month_start": self.sql.time(month_start),
            "tag_quota": MASS_MONTHLY_QUOTA if self.service else UNLIMITED,
            "service": 1 if self.service else 0,
        }

    def _enqueue(self, occ: Occurrence, classified: str, params: dict, tags: dict[int, str]) -> int:
        """Every row of the occurrence in three statements (and one per village tag)."""
        text = TEXT.message.format(text=occ.text)
        common = {**params, "text": text, "now": self.sql.time(self.now), "prefix": occ.prefix}
        key = "(:prefix || c.openid)"
        custom = json.dumps({"title": TEXT.title, "announcement": occ.announcement_id}, ensure_ascii=False)
        mass = json.dumps({"broadcast": occ.prefix.rstrip(":"), "announcement": occ.announcement_id})
        added = self.sql.run(
            INSERT.format(
                select=f"{classified} SELECT {key}, c.openid, CASE WHEN c.how = 'custom' THEN 'notice' ELSE"
                " 'broadcast' END, :text, CASE WHEN c.how = 'custom' THEN :custom ELSE :mass END, 'queued', 0,"
                " :now, :now FROM cls c WHERE c.how IN ('custom', 'mass') ORDER BY c.id"
            ),
            **common,
            custom=custom,
            mass=mass,
        )
        for village_id in sorted(tags):
            added += self._enqueue_tag(occ, classified, common, village_id)
        return added

    def _enqueue_tag(self, occ: Occurrence, classified: str, common: dict, village_id: int) -> int:
        """One carrier row queued for the village's tag; everyone else it covers waits as `covered`."""
        tag_id = self.sql.one("SELECT wechat_tag_id FROM village WHERE id = :v", v=village_id)[0]
        payload = json.dumps({"broadcast": f"{occ.prefix}tag{tag_id}", "tag_id": tag_id})
        covered = json.dumps({"broadcast": f"{occ.prefix}tag{tag_id}", "tag_id": tag_id, "covered": True})
        select = (
            f"{classified} SELECT (:prefix || c.openid), c.openid, 'broadcast', :text, CASE WHEN c.id = (SELECT"
            " MIN(id) FROM cls WHERE how = 'tag' AND tagged_village_id = :village) THEN :payload ELSE :covered END,"
            " CASE WHEN c.id = (SELECT MIN(id) FROM cls WHERE how = 'tag' AND tagged_village_id = :village) THEN"
            " 'queued' ELSE 'covered' END, 0, :now, :now FROM cls c WHERE c.how = 'tag' AND c.tagged_village_id ="
            " :village ORDER BY c.id"
        )
        return self.sql.run(
            INSERT.format(select=select), **common, village=village_id, payload=payload, covered=covered
        )


_FIELD = {CUSTOM: "custom", MASS: "mass", NONE: "unreachable"}


def settle_covered(sql: Sql, *, now: dt.datetime) -> int:
    """Rows a village tag covered take their carrier's outcome: sent with it, or queued person by person."""
    settled = 0
    for payload, status, channel, sent_at, msgid in sql.all(
        "SELECT c.payload, c.status, c.channel, c.sent_at, c.wechat_msgid FROM outbox_message c"
        " WHERE c.kind = 'broadcast' AND c.status NOT IN ('queued', 'sending', 'covered') AND c.created_at >= :since"
        " AND EXISTS (SELECT 1 FROM outbox_message o WHERE o.status = 'covered' AND o.payload ="
        " REPLACE(c.payload, '}', ', \"covered\": true}'))",
        since=sql.time(now - SETTLE_WITHIN),
    ):
        covered = payload.replace("}", ', "covered": true}')
        if status in ("sent", "delivered") and channel == "mass":
            settled += sql.run(
                "UPDATE outbox_message SET status = :status, channel = 'mass', sent_at = :sent_at,"
                " wechat_msgid = :msgid WHERE status = 'covered' AND payload = :covered",
                status=status,
                sent_at=sent_at,
                msgid=msgid,
                covered=covered,
            )
        else:  # the tag send failed: each person on the best channel they have
            settled += sql.run(
                "UPDATE outbox_message SET status = 'queued', kind = 'notice', payload = :payload, due_at = :now"
                " WHERE status = 'covered' AND payload = :covered",
                payload=json.dumps({"title": TEXT.title}, ensure_ascii=False),
                now=sql.time(now),
                covered=covered,
            )
    return settled

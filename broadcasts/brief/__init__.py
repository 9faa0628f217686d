"""The evening dispatch brief: the day's numbers per village and for the town, stored and pushed to cadres.

From BRIEF_AT (town time) each day, every village and the town get one `Brief` row (unique per day and scope):
the full text for the dashboard and `python main.py brief`, and a short form pushed to cadres (a village's to its
村干部 and 包村干部, the town's to the work-area leads and the town command). A brief already written that day is
neither rewritten nor sent again. The lines 统计 shows (town/stats) are reused, and like what 统计 lacks (quarantines
ending tomorrow, checkpoints, undeliverable messages) read with one grouped query each for all villages: the
statements of a run do not grow with the villages or the households (tests/test_grouped_statements.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.delivery.channels import NONE, CadreReach, cadre_reach
from broadcasts import risk_stale
from broadcasts.brief.texts import TEXT
from models.brief import add_briefs, scopes_written, stored_text
from models.cadre import holders_anywhere
from models.checkpoint import anomalies_by_village
from models.figures import messages_by_village
from models.outbox import UNDELIVERABLE, enqueue_many
from models.quarantine import ending_on
from models.sql import Sql
from models.town import TownFileError, read_town_file, villages_by_work_area
from town import clock, command, stats
from town.checkpoints import Reconciliation, reconcile
from town.clock import day as day_text
from town.clock import day_bounds, hour_minute, local, reached
from town.settings import Settings

TOWN = "town"
SHOWN = 10  # names per detail list in the full text


@dataclass
class View:
    """What the day's figures (town/stats) are read with: the session, the moment and the settings."""

    session: Session
    now: dt.datetime
    settings: Settings


@dataclass
class Extra:
    """The day's numbers for every village at once: 统计's figures, and those it does not have."""

    figures: stats.Figures | None = None

    ending: dict[int, list[str]] = field(default_factory=dict)  # village -> names whose measure ends tomorrow
    anomalies: Counter = field(default_factory=Counter)
    undeliverable: Counter = field(default_factory=Counter)  # by the recipient's village (None: unknown)
    reconciliation: Reconciliation | None = None
    names: dict[int, str] = field(default_factory=dict)
    cadres: list[CadreReach] = field(default_factory=list)  # every bound cadre and the channel reaching them now
    stale: str = ""  # the risk list's age when it is older than the policy allows


@dataclass
class Composed:
    """One brief before it is stored."""

    text: str
    short: str
    data: dict


def job(session: Session, now: dt.datetime, settings: Settings) -> int:
    """The scheduler's job: from BRIEF_AT, write and push the day's briefs not yet written; how many messages."""
    if not reached(now, settings.brief_at):
        return 0
    return write_briefs(session, now, settings)


def write_briefs(session: Session, now: dt.datetime, settings: Settings) -> int:
    """Every village's brief and the town's, for today; each written and sent once."""
    today = local(now).date()
    done = scopes_written(session, day=today)
    villages = villages_by_work_area(session)
    if done >= {TOWN, *(_scope(v.id) for v in villages)}:
        return 0
    view = View(session, now, settings)
    extra = gather(view, today)
    sql = Sql(session.connection())
    extra.stale = risk_stale.note(sql, now, settings)[1]
    extra.cadres = cadre_reach(sql, settings, now)
    cadres: dict[int, list[tuple[int, str]]] = {}
    for h in holders_anywhere(sql, roles=command.VILLAGE_CADRES):
        cadres.setdefault(h.village_id, []).append((h.person_id, h.openid))
    written: list[tuple[str, int | None, Composed, list[tuple[int, str]]]] = [
        (_scope(v.id), v.id, compose(view, extra, today, [v.id], v.name, village_id=v.id), cadres.get(v.id, []))
        for v in villages
        if _scope(v.id) not in done
    ]
    if TOWN not in done:
        town = compose(view, extra, today, [v.id for v in villages], town_name(settings))
        written.append((TOWN, None, town, _town_cadres(sql)))
    return _store_and_send(session, sql, now, today, written)


def _scope(village_id: int) -> str:
    return f"village:{village_id}"


def town_name(settings: Settings) -> str:
    """The town's name from the town file (全镇 when it cannot be read)."""
    try:
        return read_town_file(settings.town_file).name or TEXT.town
    except TownFileError:
        return TEXT.town


def _town_cadres(sql: Sql) -> list[tuple[int, str]]:
    """Every work-area lead and the town command, each once."""
    return [(h.person_id, h.openid) for h in command.leaders(sql)]


def _store_and_send(session, sql: Sql, now, today, written) -> int:
    """Store the briefs and queue each one's short form to each of its recipients once; how many were queued."""
    rows = [
        {"day": today, "scope": scope, "village_id": village_id, "text": brief.text, "short": brief.short[:2000],
         "data": json.dumps(brief.data, ensure_ascii=False), "created_at": now}
        for scope, village_id, brief, _ in written
    ]  # fmt: skip
    add_briefs(session, briefs=rows)
    messages = [
        {"key": f"brief:{today}:{scope}:{person_id}", "openid": openid, "kind": "notice", "text": brief.short}
        for scope, _, brief, recipients in written
        for person_id, openid in dict(recipients).items()
    ]
    return enqueue_many(sql, messages, now=now)


def gather(view: View, today: dt.date, village_ids: list[int] | None = None) -> Extra:
    """The day's figures (town/stats) of every village (or these), quarantines ending tomorrow, checkpoint anomalies
    and the day's reconciliation, undeliverable messages: one grouped query each."""
    session = view.session
    extra = Extra(names={v.id: v.name for v in villages_by_work_area(session)})
    extra.figures = stats.read(view, today, village_ids)
    for quarantine, declaration in ending_on(session, days=(today + dt.timedelta(days=1),)):
        extra.ending.setdefault(quarantine.village_id, []).append(declaration.name)
    start, end = day_bounds(today)
    extra.anomalies.update(anomalies_by_village(session, start=start, end=end))
    sql = Sql(session.connection())
    extra.undeliverable.update(messages_by_village(sql, status=UNDELIVERABLE, start=start, end=end))
    extra.reconciliation = reconcile(session, day=today)
    return extra


def compose(
    view: View, extra: Extra, today: dt.date, villages: list[int], where: str, *, village_id: int | None = None
) -> Composed:
    """The brief of one village (village_id) or of the villages given as a whole."""
    mine = set(villages)
    lines = extra.figures.lines(villages, extra.names)
    vaccines, questions = lines.pop("vaccines"), lines.pop("questions")
    ending = [name for v in villages for name in extra.ending.get(v, [])]
    rec = extra.reconciliation or Reconciliation(today)
    undeclared = [r for r in rec.undeclared if r.village_id in mine or (village_id is None and r.village_id is None)]
    unseen = [d for d in rec.unseen if d.village_id in mine]
    numbers = {
        "ending_tomorrow": len(ending),
        "anomalies": sum(n for v, n in extra.anomalies.items() if v in mine or (village_id is None and v is None)),
        "undeclared": len(undeclared),
        "unseen": len(unseen),
        "undeliverable": sum(n for v, n in extra.undeliverable.items() if v in mine or village_id is None),
    }
    unreachable = [
        c.recipient for c in extra.cadres if c.channel == NONE and (village_id is None or c.village_ids & mine)
    ]
    numbers["unreachable_cadres"] = len(unreachable)
    cadres_line = [_unreachable_line(unreachable)] if unreachable else []
    at = local(view.now).strftime("%H:%M")
    title = TEXT.title.format(where=where, date=day_text(today), time=at)
    checkpoint_line = TEXT.checkpoints.format(
        anomalies=numbers["anomalies"], undeclared=numbers["undeclared"], unseen=numbers["unseen"]
    )
    summary = [
        lines["declarations"],
        lines["quarantines"],
        TEXT.ending.format(n=numbers["ending_tomorrow"]),
        lines["supplies"],
        lines["checkins"],
        lines["fevers"],
        lines["events"],
        checkpoint_line,
        vaccines[0],
        TEXT.undeliverable.format(n=numbers["undeliverable"]),
    ]
    head = [title, extra.stale] if extra.stale else [title]  # an old list first: every figure below leans on it
    short = "\n".join([*head, *summary, *cadres_line, TEXT.full_at])
    details = _details(ending, undeclared, unseen, extra.names)
    text = "\n".join([*head, *summary[:3], *details["ending"], *summary[3:8], *details["checkpoints"]] + [
        *vaccines, summary[-1], *cadres_line, questions,
    ])  # fmt: skip
    data = {"scope": where, "village_id": village_id, **numbers, "lines": {**lines, "vaccines": vaccines}}
    return Composed(text, short, data)


def _unreachable_line(cadres) -> str:
    """「联系不上的干部：2人（张三、李四），请打电话」."""
    names = TEXT.separator.join(c.name or c.phone or TEXT.no_name for c in cadres)
    return TEXT.unreachable.format(n=len(cadres), names=names)


def _details(ending: list[str], undeclared, unseen, names: dict[int, str]) -> dict[str, list[str]]:
    """The names behind the numbers, for the full text."""
    out = {"ending": [TEXT.ending_names.format(names=TEXT.separator.join(ending))] if ending else []}
    lines = []
    for r in undeclared[:SHOWN]:
        who = " ".join(part for part in (r.plate, r.name, r.phone) if part) or TEXT.unknown
        time = hour_minute(r.seen_at)
        lines.append(TEXT.undeclared_line.format(who=who, village=names.get(r.village_id, ""), time=time))
    lines += [TEXT.more.format(n=len(undeclared) - SHOWN)] if len(undeclared) > SHOWN else []
    for d in unseen[:SHOWN]:
        who = " ".join(part for part in (d.transport_detail, d.name, d.phone) if part)
        lines.append(TEXT.unseen_line.format(who=who, village=names.get(d.village_id, "")))
    lines += [TEXT.more.format(n=len(unseen) - SHOWN)] if len(unseen) > SHOWN else []
    out["checkpoints"] = lines
    return out


def brief_text(
    session: Session, now: dt.datetime, settings: Settings, *, day: dt.date | None = None, village=None
) -> str:
    """What `python main.py brief` prints: the stored brief of the day, else one composed now (not stored)."""
    today = local(now).date()
    day = day or today
    scope = _scope(village.id) if village else TOWN
    stored = stored_text(session, day=day, scope=scope)
    if stored is not None:
        return stored
    at = now if day == today else clock.at(day, settings.brief_at)
    view = View(session, at.astimezone(dt.UTC), settings)
    villages = [village.id] if village else [v.id for v in villages_by_work_area(session)]
    extra = gather(view, day, villages)
    extra.cadres = cadre_reach(Sql(session.connection()), settings, now)
    extra.stale = risk_stale.note(Sql(session.connection()), now, settings)[1]
    where = village.name if village else town_name(settings)
    return compose(view, extra, day, villages, where, village_id=village.id if village else None).text

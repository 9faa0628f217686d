"""Checkpoint sightings against returnee declarations: who was seen but never declared, and the reverse."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlmodel import Session

from models.checkpoint import CheckpointReport, reports_seen, save_matches, sighted_declarations
from models.declaration import Declaration, declarations_arriving
from models.quarantine import Quarantine, households_on
from models.town import list_villages
from town.checkpoints.texts import TEXT, TRANSPORT_NAMES
from town.clock import day as day_text
from town.clock import day_bounds, hour_minute, local

# Arrivals by train or plane are screened at the station (落地检); by road they pass a village checkpoint.
ROAD = ("self_drive", "bus", "other", None)
WINDOW_BEFORE, WINDOW_AFTER = dt.timedelta(days=15), dt.timedelta(days=4)
SHOWN = 20  # lines per list in one message (WeChat's text limit); the rest are counted
_PLATE_NOISE = re.compile(r"[\s·.\-－—]")


def plate_key(plate: str | None) -> str | None:
    """A plate as compared: upper case, without spaces or dots (豫c·12345 -> 豫C12345)."""
    return _PLATE_NOISE.sub("", plate).upper() or None if plate else None


class Matcher:
    """Declarations indexed by phone, plate and name: a sighting's declaration by the first that agrees."""

    def __init__(self, declarations: list[Declaration]):
        self.by_phone: dict[str, Declaration] = {}
        self.by_plate: dict[str, Declaration] = {}
        self.by_name: dict[str, list[Declaration]] = {}
        for d in sorted(declarations, key=lambda d: d.id):  # the latest declaration wins
            self.by_phone[d.phone] = d
            if key := plate_key(d.transport_detail):
                self.by_plate[key] = d
            self.by_name.setdefault(d.name, []).append(d)

    def find(self, report: CheckpointReport) -> Declaration | None:
        """By phone, then plate, then name within the report's village (or a name unique in the town)."""
        found = self.by_phone.get(report.phone or "") or self.by_plate.get(plate_key(report.plate) or "")
        if found is not None or not report.name:
            return found
        named = self.by_name.get(report.name, [])
        if report.village_id is not None:
            named = [d for d in named if d.village_id == report.village_id]
        return named[-1] if named and (report.village_id is not None or len(named) == 1) else None


def identifiable(report: CheckpointReport) -> bool:
    """A report naming someone (phone, plate or name); an incident without them cannot be matched."""
    return bool(report.phone or report.plate or report.name)


def declarations_around(session: Session, first: dt.date, last: dt.date) -> list[Declaration]:
    """Declarations whose arrival could explain a sighting between these days."""
    return declarations_arriving(session, first=first - WINDOW_BEFORE, last=last + WINDOW_AFTER)


def match_report(session: Session, report: CheckpointReport) -> Declaration | None:
    """Find and record the declaration behind one new report."""
    if not identifiable(report):
        return None
    seen = local(report.seen_at).date()
    found = Matcher(declarations_around(session, seen, seen)).find(report)
    report.declaration_id = found.id if found else None
    return found


@dataclass(frozen=True)
class Watched:
    """The measure in force over someone seen at a checkpoint."""

    quarantine: Quarantine
    declaration: Declaration
    village: str


def under_measure(session: Session, report: CheckpointReport, declaration: Declaration | None) -> Watched | None:
    """The measure the person seen is under that day: the matched declaration's, else any in force that matches."""
    seen = local(report.seen_at).date()
    in_force = {d.id: Watched(q, d, village) for q, d, _openid, village in households_on(session, day=seen)}
    if declaration is not None and declaration.id in in_force:
        return in_force[declaration.id]
    if not identifiable(report) or not in_force:
        return None
    found = Matcher([w.declaration for w in in_force.values()]).find(report)
    return in_force[found.id] if found is not None else None


@dataclass
class Reconciliation:
    """One day's two lists."""

    day: dt.date
    undeclared: list[CheckpointReport] = field(default_factory=list)  # seen, never declared
    unseen: list[Declaration] = field(default_factory=list)  # declared arriving by road that day, never seen


def reconcile(session: Session, *, day: dt.date, village_id: int | None = None) -> Reconciliation:
    """Match the day's (and its neighbours') sightings to declarations; list what is left on either side."""
    start, end = day_bounds(day - dt.timedelta(days=1))[0], day_bounds(day + dt.timedelta(days=1))[1]
    reports = reports_seen(session, start=start, end=end)
    declarations = declarations_around(session, day - dt.timedelta(days=1), day + dt.timedelta(days=1))
    matcher = Matcher(declarations)
    for report in reports:
        if report.declaration_id is None and identifiable(report):
            found = matcher.find(report)
            report.declaration_id = found.id if found else None
    save_matches(session, reports=reports)
    first, after = day_bounds(day)
    undeclared: dict[tuple, CheckpointReport] = {}
    for r in reports:  # someone seen twice is listed once
        if first <= r.seen_at < after and r.declaration_id is None and identifiable(r) and _in(r, village_id):
            undeclared.setdefault((r.phone, plate_key(r.plate), r.name), r)
    arrived = [d for d in declarations if d.arrived_on == day and d.transport in ROAD and _in(d, village_id)]
    seen = sighted_declarations(session, declaration_ids=[d.id for d in arrived])
    return Reconciliation(day, list(undeclared.values()), [d for d in arrived if d.id not in seen])


def _in(row: CheckpointReport | Declaration, village_id: int | None) -> bool:
    return village_id is None or row.village_id == village_id


def _who(name: str | None, phone: str | None, plate: str | None = None) -> str:
    return " ".join(part for part in (plate, name, phone) if part) or TEXT.unknown_place


def format_lists(result: Reconciliation, villages: dict[int, str]) -> str:
    """The day's lists as the town command reads them."""
    if not result.undeclared and not result.unseen:
        return TEXT.all_matched.format(day=day_text(result.day))
    lines = [TEXT.title.format(day=day_text(result.day)), TEXT.undeclared.format(n=len(result.undeclared))]
    for i, r in enumerate(result.undeclared[:SHOWN], start=1):
        time = hour_minute(r.seen_at)
        village = villages.get(r.village_id, "")
        lines.append(TEXT.report_line.format(i=i, who=_who(r.name, r.phone, r.plate), village=village, time=time))
    lines += _rest(len(result.undeclared)) if result.undeclared else [TEXT.none]
    lines.append(TEXT.unseen.format(day=day_text(result.day), n=len(result.unseen)))
    for i, d in enumerate(result.unseen[:SHOWN], start=1):
        origin = (d.origin_city or d.origin_province or "") + (d.origin_district or "") or TEXT.unknown_place
        who = _who(d.name, d.phone, d.transport_detail)
        transport = TRANSPORT_NAMES.get(d.transport, TRANSPORT_NAMES["other"])
        lines.append(
            TEXT.declaration_line.format(
                i=i, who=who, village=villages.get(d.village_id, ""), origin=origin, transport=transport
            )
        )
    lines += _rest(len(result.unseen)) if result.unseen else [TEXT.none]
    return "\n".join([*lines, TEXT.advice])


def _rest(count: int) -> list[str]:
    return [TEXT.more.format(n=count - SHOWN)] if count > SHOWN else []


def village_names(session: Session) -> dict[int, str]:
    """Every village's name by id."""
    return {v.id: v.name for v in list_villages(session)}

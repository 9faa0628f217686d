"""Classify one declaration against a list version and the policy table: pure, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from town.clock import day as clock_day
from town.clock import local
from town.policy.measure import describe
from town.policy.rules import Policy, Rule
from town.policy.texts import CODE_NAMES, REASON
from town.policy.timeline import Timeline, timeline
from town.riskareas.entries import RANK, Entry
from town.riskareas.index import RiskIndex
from town.riskareas.texts import LEVEL_NAMES

RELATED_LEVELS = ("high", "medium")


@dataclass(frozen=True)
class ListInfo:
    """The list version classified against (a RiskList row has the same two fields)."""

    id: int | None
    published_at: dt.datetime | None = None


@dataclass(frozen=True)
class Declaration:
    """What classification needs from a returnee's declaration."""

    origin: dict | None
    arrived_on: dt.date | None = None
    left_on: dt.date | None = None
    health_code: str | None = None
    # From abroad: the day of entry into the country, the port city, and the central days done there.
    entered_on: dt.date | None = None
    port_city: str | None = None
    port_days: int | None = None


@dataclass(frozen=True)
class MatchedEntry:
    """The listed entry that decided the class, as a cadre reads it."""

    level: str
    place: str
    area: str  # township and community, as in the reason
    related: bool = False  # the origin is only in the same district (关联区域)


@dataclass(frozen=True)
class Classification:
    """The outcome and everything needed to explain it later."""

    disposition: str
    days: int
    home_days: int
    start: dt.date
    end: dt.date | None  # last day, inclusive; None when no isolation
    home_start: dt.date | None
    nucleic_acid_dates: tuple[dt.date, ...]
    alert: bool
    rule_id: str
    policy_version: str
    list_id: int | None
    list_published_at: dt.datetime | None
    matched: MatchedEntry | None
    reason: str


@dataclass(frozen=True)
class _Facts:
    """What the conditions are checked against."""

    abroad: bool
    code: str | None
    left: dt.date
    since: int
    matched: MatchedEntry | None
    related: MatchedEntry | None


def classify(
    policy: Policy, index: RiskIndex | None, list_info: ListInfo | None, declaration: Declaration, today: dt.date
) -> Classification:
    """The first rule whose condition holds decides; the last rule always holds."""
    facts = _facts(index, declaration, today)
    rule = next(r for r in policy.rules if _holds(r.when, facts))
    plan = timeline(rule, declaration.arrived_on or today, declaration.entered_on, declaration.port_days)
    matched = facts.matched or facts.related
    published = list_info.published_at if list_info else None
    reason = _render(rule, plan, facts, declaration, published, today.year)
    return Classification(
        disposition=plan.disposition,
        days=plan.days,
        home_days=plan.home_days,
        start=plan.start,
        end=plan.end,
        home_start=plan.home_start,
        nucleic_acid_dates=plan.samples,
        alert=plan.alert,
        rule_id=rule.id,
        policy_version=policy.version,
        list_id=list_info.id if list_info else (index.list_id if index else None),
        list_published_at=published,
        matched=matched if rule.when.keys() & {"level", "related_district"} else None,
        reason=reason,
    )


def _facts(index: RiskIndex | None, declaration: Declaration, today: dt.date) -> _Facts:
    origin = declaration.origin or {}
    # Without a departure date the arrival date is the best we know; without both, today.
    left = declaration.left_on or declaration.arrived_on or today
    chain = _chain(origin)
    matched = related = None
    if index is not None and chain is not None:
        found = index.match(*chain, origin.get("township") or None)
        if found is not None:
            matched = MatchedEntry(found.level, found.entry.place(), _area(found.entry))
        strongest = _strongest_in_district(index, chain)
        if strongest is not None:
            related = MatchedEntry(strongest.level, strongest.place(), _area(strongest), related=True)
    return _Facts(bool(origin.get("abroad")), declaration.health_code, left, (today - left).days, matched, related)


def _holds(when: dict, facts: _Facts) -> bool:
    """Every key of the condition holds (an empty condition always holds)."""
    return all(_CHECKS[key](value, facts) for key, value in when.items())


_CHECKS = {
    "health_code": lambda colours, f: f.code in colours,
    "abroad": lambda wanted, f: f.abroad == wanted,
    "level": lambda level, f: f.matched is not None and f.matched.level == level,
    "within_days": lambda days, f: f.since <= days,
    "related_district": lambda wanted, f: (f.related is not None) == wanted,
    "left_more_than_days": lambda days, f: f.since > days,
}


def _chain(origin: dict) -> tuple[str, str, str] | None:
    if origin.get("abroad"):
        return None
    chain = (origin.get("province"), origin.get("city"), origin.get("district"))
    return chain if all(chain) else None


def _strongest_in_district(index: RiskIndex, chain: tuple[str, str, str]) -> Entry | None:
    """The highest high/medium entry in the district, for the 关联区域 rule and its reason."""
    candidates = [e for e in index.entries_in_district(*chain) if e.level in RELATED_LEVELS]
    return max(candidates, key=lambda e: (RANK[e.level], e.community is None), default=None)


def _area(entry: Entry) -> str:
    area = (entry.township or "") + (entry.community or "")
    return (area or entry.district) + (REASON.whole_area if entry.whole_area and area else "")


def _place(origin: dict) -> str:
    """The origin as a villager says it: 郑州市二七区, 北京市海淀区, 境外."""
    if origin.get("abroad"):
        return origin.get("country") or REASON.abroad
    province, city = origin.get("province") or "", origin.get("city") or ""
    city = "" if city == province else city
    parts = [city or province, origin.get("district") or ""]
    return "".join(parts) or REASON.somewhere


def _list_date(published: dt.datetime | None, year: int) -> str:
    if published is None:
        return REASON.latest
    return clock_day(local(published).date(), year=year)


def _render(
    rule: Rule, plan: Timeline, facts: _Facts, declaration: Declaration, published: dt.datetime | None, year: int
) -> str:
    """The outcome's reason, its dates said against the classification's own today (with the year when not it)."""
    day = partial(clock_day, year=year)
    matched = facts.matched if "level" in rule.when else facts.related if "related_district" in rule.when else None
    port, entered = declaration.port_city or "", day(declaration.entered_on or declaration.arrived_on)
    entry = (REASON.entry if port else REASON.entry_unknown).format(day=entered, port=port)
    done = REASON.port_done.format(port=port or REASON.port_somewhere, days=plan.port_days)
    port_done = done if plan.port_days else REASON.port_none
    values = {
        "place": _place(declaration.origin or {}),
        "left": day(facts.left),
        "arrived": day(plan.start),
        "start": day(plan.start),
        "end": day(plan.end),
        "home_end": day(plan.end if plan.home_start else None),
        "level": LEVEL_NAMES.get(matched.level, "") if matched else "",
        "area": matched.area if matched else "",
        "list_date": _list_date(published, year),
        "disposition": plan.disposition,
        "days": rule.days,
        "home_days": rule.home_days,
        "samples": len(plan.samples),
        "sample_dates": REASON.separator.join(day(d) for d in plan.samples),
        "since": facts.since,
        "code": CODE_NAMES.get(facts.code or "", ""),
        "within": rule.when.get("within_days") or rule.when.get("left_more_than_days") or "",
        "measure": describe(plan.disposition, plan.start, plan.end, plan.home_start, year=year),
        "entry": entry,
        "entered": entered,
        "port": port,
        "port_done": port_done,
        "central_left": plan.days if plan.disposition == rule.disposition else 0,
    }
    reason = plan.reason.format_map(values)
    return REASON.no_list + reason if published is None and "{list_date}" in plan.reason else reason

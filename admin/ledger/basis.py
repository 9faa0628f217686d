"""The 依据 cell: why a returnee got their measure, in the third person, from the stored classification facts.

The stored reason is the sentence the villager was told (「因为您…」); the ledger says the same facts neutrally
(「8月5日离开郑州市二七区（中风险：长江路街道，2021年8月5日名单）」), its dates said against the export's year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from string import Formatter
from zoneinfo import ZoneInfo

from admin.ledger.texts import BASIS, CODES
from models.declaration import Classification, Declaration
from models.riskarea import RiskList
from town.clock import day
from town.policy.measure import describe
from town.policy.rules import Policy, Rule
from town.riskareas.texts import LEVEL_NAMES

OVERRIDE = "override"  # the rule id and source of a cadre's decision (town.reclassify.OVERRIDE)


@dataclass(frozen=True)
class Basis:
    """What the 依据 is said against: the policy's rules by id, the export's year and the town's zone."""

    rules: dict[str, Rule]
    year: int
    tz: ZoneInfo

    @classmethod
    def of(cls, policy: Policy | None, *, now: dt.datetime, tz: ZoneInfo) -> Basis:
        rules = {rule.id: rule for rule in policy.rules} if policy else {}
        return cls(rules, now.astimezone(tz).year, tz)

    def text(self, declaration: Declaration, classification: Classification, risk_list: RiskList | None) -> str:
        """The 依据, with the cadre's note when a cadre decided."""
        if classification.source == OVERRIDE or classification.rule_id == OVERRIDE:
            basis = self._trip(declaration)
        else:
            basis = self._by_rule(declaration, classification, risk_list)
        if classification.source == OVERRIDE and classification.note:
            return BASIS.cadre_note.format(basis=basis, note=classification.note)
        return basis

    def _by_rule(self, declaration: Declaration, classification: Classification, risk_list: RiskList | None) -> str:
        rule = self.rules.get(classification.rule_id)
        level, area = _matched(classification)
        template = getattr(BASIS, _kind(rule, declaration, level))
        facts = (self, declaration, classification, risk_list, rule, level, area)
        return template.format_map({name: _FACTS[name](*facts) for name in _named(template)})

    def _trip(self, declaration: Declaration) -> str:
        """「8月5日离开郑州市二七区」, 「2021年7月20日从上海入境」, or 「从境外入境返回」 (entry not asked then)."""
        if declaration.abroad and declaration.entry_date:
            entered = day(declaration.entry_date, year=self.year)
            port = declaration.port_city
            return (BASIS.entry if port else BASIS.entry_somewhere).format(day=entered, port=port)
        if declaration.abroad:
            return BASIS.abroad_trip
        left = declaration.left_on or declaration.arrived_on
        return BASIS.left_place.format(left=day(left, year=self.year), place=_place(declaration))

    def _list(self, risk_list: RiskList | None) -> str:
        """The list classified against, by its publication date (or its import date when it gave none)."""
        if risk_list is None:
            return BASIS.no_list
        if risk_list.published_at is not None:
            return BASIS.published.format(date=day(self._date(risk_list.published_at), year=self.year))
        return BASIS.imported.format(date=day(self._date(risk_list.imported_at), year=self.year))

    def _date(self, moment: dt.datetime) -> dt.date:
        aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite gives naive UTC back
        return aware.astimezone(self.tz).date()


# The values a 依据 template may name, from (basis, declaration, classification, list, rule, level, area): each
# worked out only when the template names it (most name two of them).
_FACTS = {
    "trip": lambda basis, declaration, *_: basis._trip(declaration),
    "place": lambda _basis, declaration, *_: _place(declaration),
    "code": lambda _basis, declaration, *_: CODES.get(declaration.health_code, declaration.health_code),
    "level": lambda *facts: LEVEL_NAMES.get(facts[5] or "", ""),
    "area": lambda *facts: facts[6],
    "list": lambda basis, _declaration, _classification, risk_list, *_: basis._list(risk_list),
    "within": lambda *facts: facts[4].when.get("left_more_than_days", "") if facts[4] else "",
    "port_done": lambda _basis, declaration, *_: _port_done(declaration),
    "measure": lambda basis, _declaration, c, *_: describe(
        c.disposition, c.start_on, c.end_on, c.home_start_on, year=basis.year
    ),
}


@cache
def _named(template: str) -> tuple[str, ...]:
    """The fields a template names."""
    return tuple(name for _text, name, _spec, _conversion in Formatter().parse(template) if name)


def _kind(rule: Rule | None, declaration: Declaration, level: str | None) -> str:
    """Which fact decided: the rule's condition says; for a rule no longer in the policy, the stored facts."""
    if rule is None:
        return "abroad" if declaration.abroad else "listed" if level else "trip"
    when = rule.when
    if "health_code" in when:
        return "code"
    if when.get("abroad"):
        return "abroad"
    if "level" in when:
        return "listed"
    if when.get("related_district"):
        return "related"
    if "left_more_than_days" in when:
        return "left_over"
    return "not_listed" if not when else "trip"


def _port_done(declaration: Declaration) -> str:
    """「，在上海已集中隔离14天」, 「，入境后未集中隔离」, or nothing when it was not asked."""
    days = declaration.port_quarantine_days
    if days is None:
        return ""
    if not days:
        return BASIS.port_none
    return BASIS.port_done.format(port=declaration.port_city or BASIS.port_somewhere, days=days)


def _matched(classification: Classification) -> tuple[str | None, str]:
    """The matched level and area: stored as 「place（area）」, the area is what the ledger names."""
    stored = classification.matched_area or ""
    if stored.endswith("）") and "（" in stored:
        return classification.matched_level, stored[stored.index("（") + 1 : -1]
    return classification.matched_level, stored


def _place(declaration: Declaration) -> str:
    """The origin as it is said: 郑州市二七区, 北京市海淀区."""
    province, city = declaration.origin_province or "", declaration.origin_city or ""
    city = "" if city == province else city
    return (city or province) + (declaration.origin_district or "") or BASIS.somewhere

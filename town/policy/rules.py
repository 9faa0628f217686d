"""The policy table: a versioned TOML file of rules, first match wins, validated at load."""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from models.quarantine import MEASURES
from town.policy.texts import ERROR

NO_QUARANTINE = "无需隔离"
DISPOSITIONS = (*MEASURES, NO_QUARANTINE)  # strictest first
COLOURS = ("green", "yellow", "red")
RISK_LEVELS = ("high", "medium", "low")
POLICY_KEYS = {"version", "title", "id_number", "rule", "events", "risk_list_max_age_days", "retention_days"}
MAX_AGE_DAYS = 7  # a risk list older than this is marked stale wherever it is used
# Whether the declaration asks for the resident ID number: required, optional (「跳过」 allowed) or off.
ID_NUMBER = ("required", "optional", "off")
RULE_KEYS = {
    "id", "when", "from", "disposition", "days", "home_days", "nucleic_acid_days", "alert", "reason", "reason_home",
    "reason_done",
}  # fmt: skip
# Where a rule's day 1 is: the arrival home, or the entry into the country (days done at the port city count).
FROM_ARRIVAL, FROM_ENTRY = "arrival", "entry"
COUNTED_FROM = (FROM_ARRIVAL, FROM_ENTRY)
# The condition keys the code understands; each maps to a check of its value.
CONDITIONS = {
    "health_code": "list",
    "abroad": "bool",
    "level": "level",
    "within_days": "positive",
    "related_district": "bool",
    "left_more_than_days": "positive",
}
# Everything a reason template may name; classify fills each (empty when it does not apply).
PLACEHOLDERS = {
    "place", "left", "arrived", "start", "end", "home_end", "level", "area", "list_date", "disposition",
    "days", "home_days", "samples", "sample_dates", "since", "code", "within", "measure", "entry", "entered", "port",
    "port_done", "central_left",
}  # fmt: skip


# Gatherings a household reports (红白事), each with its limit and the advice told to the household.
EVENT_KINDS = ("wedding", "funeral", "other")
EVENT_KEYS = {"max_guests", "advice"}


class PolicyError(ValueError):
    """A policy file that cannot be used: names the file, the rule and the problem."""


@dataclass(frozen=True)
class Rule:
    """One row of the table: a condition and what follows from it."""

    id: str
    when: dict
    disposition: str
    days: int = 0
    home_days: int = 0
    nucleic_acid_days: tuple[int, ...] = ()
    alert: bool = False
    reason: str = ""
    counted_from: str = FROM_ARRIVAL
    # From the entry: the reason when only the home part is left here, and when nothing is left.
    reason_home: str = ""
    reason_done: str = ""


@dataclass(frozen=True)
class EventRule:
    """What the town allows for one kind of gathering: at most max_guests (0: not to be held), and why."""

    max_guests: int
    advice: str


@dataclass(frozen=True)
class Policy:
    """The table as loaded: its version, title and ordered rules."""

    version: str
    title: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    id_number: str = "optional"
    # Per kind of gathering (wedding, funeral, other); empty when the file has no [events] table.
    events: dict[str, EventRule] = field(default_factory=dict)
    risk_list_max_age_days: int = MAX_AGE_DAYS

    @property
    def window_days(self) -> int:
        """How long after leaving a place the rules still look at it (the longest within/left_more_than)."""
        days = [v for r in self.rules for k, v in r.when.items() if k in ("within_days", "left_more_than_days")]
        return max(days, default=14)


def load_policy(path: Path | str) -> Policy:
    """Read and validate a policy file; PolicyError naming the rule and the problem otherwise."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(ERROR.in_file.format(path=path, problem=ERROR.unreadable.format(exc=exc))) from exc
    try:
        return parse_policy(data)
    except PolicyError as exc:
        raise PolicyError(ERROR.in_file.format(path=path, problem=exc)) from exc


def parse_policy(data: dict) -> Policy:
    """The policy from already-parsed TOML data."""
    unknown = set(data) - POLICY_KEYS
    if unknown:
        raise PolicyError(ERROR.unknown_top.format(names=", ".join(sorted(unknown))))
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise PolicyError(ERROR.no_version)
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PolicyError(ERROR.no_rules)
    rules = tuple(_rule(raw, n) for n, raw in enumerate(raw_rules, 1))
    _check_ids(rules)
    if rules[-1].when:
        raise PolicyError(ERROR.last_rule.format(id=rules[-1].id))
    id_number = data.get("id_number", "optional")
    if id_number not in ID_NUMBER:
        raise PolicyError(ERROR.id_number.format(choices="/".join(ID_NUMBER)))
    events = _events(data.get("events", {}))
    max_age = data.get("risk_list_max_age_days", MAX_AGE_DAYS)
    if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 1:
        raise PolicyError(ERROR.positive.format(key="risk_list_max_age_days"))
    return Policy(
        version=version, title=str(data.get("title", "")), rules=rules, id_number=id_number, events=events,
        risk_list_max_age_days=max_age,
    )  # fmt: skip


def _events(raw: object) -> dict[str, EventRule]:
    """The [events] table: one sub-table per kind of gathering, each with max_guests and advice."""
    if not isinstance(raw, dict):
        raise PolicyError(ERROR.events_table)
    unknown = set(raw) - set(EVENT_KINDS)
    if unknown:
        raise PolicyError(ERROR.events_unknown.format(names=", ".join(sorted(unknown)), kinds=", ".join(EVENT_KINDS)))
    if raw and set(raw) != set(EVENT_KINDS):
        missing = ", ".join(kind for kind in EVENT_KINDS if kind not in raw)
        raise PolicyError(ERROR.events_missing.format(missing=missing))
    return {kind: _event(kind, value) for kind, value in raw.items()}


def _event(kind: str, raw: object) -> EventRule:
    def fail(problem: str) -> PolicyError:
        return PolicyError(ERROR.event.format(kind=kind, problem=problem))

    if not isinstance(raw, dict):
        raise fail(ERROR.table)
    unknown = set(raw) - EVENT_KEYS
    if unknown:
        raise fail(ERROR.unknown_fields.format(names=", ".join(sorted(unknown))))
    max_guests = raw.get("max_guests")
    if isinstance(max_guests, bool) or not isinstance(max_guests, int) or max_guests < 0:
        raise fail(ERROR.max_guests)
    advice = raw.get("advice")
    if not isinstance(advice, str) or not advice.strip():
        raise fail(ERROR.no_advice)
    try:
        advice.format(max_guests=max_guests)
    except (KeyError, IndexError, ValueError) as exc:
        raise fail(ERROR.advice_placeholder.format(exc=exc)) from exc
    return EventRule(max_guests=max_guests, advice=advice.strip())


def _check_ids(rules: tuple[Rule, ...]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise PolicyError(ERROR.duplicate_id.format(id=rule.id))
        seen.add(rule.id)


def _rule(raw: object, number: int) -> Rule:
    """One rule, checked field by field."""
    if not isinstance(raw, dict):
        raise PolicyError(ERROR.rule_not_table.format(number=number))
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise PolicyError(ERROR.rule_no_id.format(number=number))

    def fail(problem: str) -> PolicyError:
        return PolicyError(ERROR.rule.format(id=rule_id, problem=problem))

    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise fail(ERROR.unknown_fields.format(names=", ".join(sorted(unknown))))
    when = raw.get("when", {})
    if not isinstance(when, dict):
        raise fail(ERROR.when_table)
    for key, value in when.items():
        _check_condition(key, value, fail)
    disposition = raw.get("disposition")
    if disposition not in DISPOSITIONS:
        raise fail(ERROR.disposition.format(disposition=disposition, choices=ERROR.sep.join(DISPOSITIONS)))
    days, home_days = _int(raw, "days", fail), _int(raw, "home_days", fail)
    if disposition != NO_QUARANTINE and days <= 0:
        raise fail(ERROR.days)
    if disposition == NO_QUARANTINE and (days or home_days):
        raise fail(ERROR.no_quarantine_days)
    samples = _samples(raw.get("nucleic_acid_days", []), days + home_days, fail)
    alert = raw.get("alert", False)
    if not isinstance(alert, bool):
        raise fail(ERROR.alert)
    reason = _reason(raw, "reason", fail)
    counted_from = raw.get("from", FROM_ARRIVAL)
    if counted_from not in COUNTED_FROM:
        raise fail(ERROR.counted_from.format(choices="/".join(COUNTED_FROM)))
    entry = counted_from == FROM_ENTRY
    if not entry and ("reason_home" in raw or "reason_done" in raw):
        raise fail(ERROR.reasons_from_entry)
    reason_home = _reason(raw, "reason_home", fail) if entry and home_days else ""
    reason_done = _reason(raw, "reason_done", fail) if entry else ""
    return Rule(
        rule_id, dict(when), disposition, days, home_days, samples, alert, reason, counted_from, reason_home,
        reason_done,
    )  # fmt: skip


def _reason(raw: dict, key: str, fail) -> str:
    """A reason template: present, not blank, naming only known placeholders."""
    reason = raw.get(key)
    if not isinstance(reason, str) or not reason.strip():
        raise fail(ERROR.no_reason.format(key=key))
    _check_template(reason, fail)
    return reason.strip()


def _check_condition(key: str, value: object, fail) -> None:
    kind = CONDITIONS.get(key)
    if kind is None:
        raise fail(ERROR.condition_unknown.format(key=key, choices=", ".join(CONDITIONS)))
    if kind == "bool" and not isinstance(value, bool):
        raise fail(ERROR.condition_bool.format(key=key))
    if kind == "positive" and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise fail(ERROR.condition_positive.format(key=key))
    if kind == "level" and value not in RISK_LEVELS:
        raise fail(ERROR.condition_level.format(choices="/".join(RISK_LEVELS)))
    if kind == "list" and (not isinstance(value, list) or not value or any(v not in COLOURS for v in value)):
        raise fail(ERROR.condition_codes.format(choices="/".join(COLOURS)))


def _int(raw: dict, key: str, fail) -> int:
    value = raw.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise fail(ERROR.positive.format(key=key))
    return value


def _samples(value: object, total: int, fail) -> tuple[int, ...]:
    """Sampling days: ascending, from day 1 to the last day of the stay."""
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
        raise fail(ERROR.samples_ints)
    if value != sorted(set(value)):
        raise fail(ERROR.samples_sorted)
    # 无需隔离 may still schedule sampling (a total of 0 lets any positive day through).
    if any(v < 1 or (total and v > total) for v in value):
        raise fail(ERROR.samples_range.format(total=total))
    return tuple(value)


def _check_template(reason: str, fail) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(reason) if name is not None}
    except ValueError as exc:
        raise fail(ERROR.template.format(exc=exc)) from exc
    unknown = names - PLACEHOLDERS
    if unknown:
        raise fail(ERROR.placeholders.format(names=", ".join("{" + n + "}" for n in sorted(unknown))))

"""The policy table: a versioned TOML file of rules, first match wins, validated at load."""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from models.quarantine import MEASURES

NO_QUARANTINE = "无需隔离"
DISPOSITIONS = (*MEASURES, NO_QUARANTINE)  # strictest first
COLOURS = ("green", "yellow", "red")
RISK_LEVELS = ("high", "medium", "low")
POLICY_KEYS = {"version", "title", "id_number", "rule", "events"}
# Whether the declaration asks for the resident ID number: required, optional (「跳过」 allowed) or off.
ID_NUMBER = ("required", "optional", "off")
RULE_KEYS = {"id", "when", "disposition", "days", "home_days", "nucleic_acid_days", "alert", "reason"}
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
    "days", "home_days", "samples", "sample_dates", "since", "code", "within",
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
        raise PolicyError(f"{path}：无法读取规则文件：{exc}") from exc
    try:
        return parse_policy(data)
    except PolicyError as exc:
        raise PolicyError(f"{path}：{exc}") from exc


def parse_policy(data: dict) -> Policy:
    """The policy from already-parsed TOML data."""
    unknown = set(data) - POLICY_KEYS
    if unknown:
        raise PolicyError(f"未知的顶层字段：{', '.join(sorted(unknown))}")
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise PolicyError("缺少 version（规则版本）")
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PolicyError("没有任何规则（[[rule]]）")
    rules = tuple(_rule(raw, n) for n, raw in enumerate(raw_rules, 1))
    _check_ids(rules)
    if rules[-1].when:
        raise PolicyError(f"规则 {rules[-1].id}：最后一条规则必须没有条件（when = {{}}），保证每个人都有结论")
    id_number = data.get("id_number", "optional")
    if id_number not in ID_NUMBER:
        raise PolicyError(f"id_number 必须是 {'/'.join(ID_NUMBER)} 之一")
    events = _events(data.get("events", {}))
    return Policy(version=version, title=str(data.get("title", "")), rules=rules, id_number=id_number, events=events)


def _events(raw: object) -> dict[str, EventRule]:
    """The [events] table: one sub-table per kind of gathering, each with max_guests and advice."""
    if not isinstance(raw, dict):
        raise PolicyError("events 必须是表")
    unknown = set(raw) - set(EVENT_KINDS)
    if unknown:
        raise PolicyError(f"events 里有未知的种类：{', '.join(sorted(unknown))}（可用：{', '.join(EVENT_KINDS)}）")
    if raw and set(raw) != set(EVENT_KINDS):
        missing = ", ".join(kind for kind in EVENT_KINDS if kind not in raw)
        raise PolicyError(f"events 缺少 {missing}")
    return {kind: _event(kind, value) for kind, value in raw.items()}


def _event(kind: str, raw: object) -> EventRule:
    def fail(problem: str) -> PolicyError:
        return PolicyError(f"events.{kind}：{problem}")

    if not isinstance(raw, dict):
        raise fail("必须是表")
    unknown = set(raw) - EVENT_KEYS
    if unknown:
        raise fail(f"未知字段 {', '.join(sorted(unknown))}")
    max_guests = raw.get("max_guests")
    if isinstance(max_guests, bool) or not isinstance(max_guests, int) or max_guests < 0:
        raise fail("max_guests 必须是0或正整数（0 表示不该办）")
    advice = raw.get("advice")
    if not isinstance(advice, str) or not advice.strip():
        raise fail("缺少 advice（告诉村民的中文说明）")
    try:
        advice.format(max_guests=max_guests)
    except (KeyError, IndexError, ValueError) as exc:
        raise fail(f"advice 里只能用 {{max_guests}} 占位符（{exc}）") from exc
    return EventRule(max_guests=max_guests, advice=advice.strip())


def _check_ids(rules: tuple[Rule, ...]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise PolicyError(f"规则 {rule.id}：id 重复")
        seen.add(rule.id)


def _rule(raw: object, number: int) -> Rule:
    """One rule, checked field by field."""
    if not isinstance(raw, dict):
        raise PolicyError(f"第{number}条规则不是表")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise PolicyError(f"第{number}条规则缺少 id")

    def fail(problem: str) -> PolicyError:
        return PolicyError(f"规则 {rule_id}：{problem}")

    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise fail(f"未知字段 {', '.join(sorted(unknown))}")
    when = raw.get("when", {})
    if not isinstance(when, dict):
        raise fail("when 必须是表")
    for key, value in when.items():
        _check_condition(key, value, fail)
    disposition = raw.get("disposition")
    if disposition not in DISPOSITIONS:
        raise fail(f"未知的处置方式 {disposition!r}（可用：{'、'.join(DISPOSITIONS)}）")
    days, home_days = _int(raw, "days", fail), _int(raw, "home_days", fail)
    if disposition != NO_QUARANTINE and days <= 0:
        raise fail("days 必须是正整数")
    if disposition == NO_QUARANTINE and (days or home_days):
        raise fail("无需隔离不能有 days/home_days")
    samples = _samples(raw.get("nucleic_acid_days", []), days + home_days, fail)
    alert = raw.get("alert", False)
    if not isinstance(alert, bool):
        raise fail("alert 必须是 true 或 false")
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise fail("缺少 reason（说明原因的中文模板）")
    _check_template(reason, fail)
    return Rule(rule_id, dict(when), disposition, days, home_days, samples, alert, reason.strip())


def _check_condition(key: str, value: object, fail) -> None:
    kind = CONDITIONS.get(key)
    if kind is None:
        raise fail(f"未知条件 {key}（可用：{', '.join(CONDITIONS)}）")
    if kind == "bool" and not isinstance(value, bool):
        raise fail(f"条件 {key} 必须是 true 或 false")
    if kind == "positive" and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise fail(f"条件 {key} 必须是正整数")
    if kind == "level" and value not in RISK_LEVELS:
        raise fail(f"条件 level 必须是 {'/'.join(RISK_LEVELS)} 之一")
    if kind == "list" and (not isinstance(value, list) or not value or any(v not in COLOURS for v in value)):
        raise fail(f"条件 health_code 必须是 {'/'.join(COLOURS)} 组成的列表")


def _int(raw: dict, key: str, fail) -> int:
    value = raw.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise fail(f"{key} 必须是正整数")
    return value


def _samples(value: object, total: int, fail) -> tuple[int, ...]:
    """Sampling days: ascending, from day 1 to the last day of the stay."""
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
        raise fail("nucleic_acid_days 必须是整数列表")
    if value != sorted(set(value)):
        raise fail("nucleic_acid_days 必须从小到大且不重复")
    # 无需隔离 may still schedule sampling (a total of 0 lets any positive day through).
    if any(v < 1 or (total and v > total) for v in value):
        raise fail(f"nucleic_acid_days 必须在第1天到第{total}天之间")
    return tuple(value)


def _check_template(reason: str, fail) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(reason) if name is not None}
    except ValueError as exc:
        raise fail(f"reason 模板格式有误：{exc}") from exc
    unknown = names - PLACEHOLDERS
    if unknown:
        raise fail(f"reason 模板里有未知的占位符 {', '.join('{' + n + '}' for n in sorted(unknown))}")

"""Score understand() on a labelled jsonl file (shared/nlu/README.md).

Reports intent accuracy, per-slot accuracy and the misses.

Each line: {"text", "intent", "slots"} and optionally "today" (YYYY-MM-DD) for that line.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from bot.nlu import understand, warm_up


@dataclass
class Miss:
    """One message read wrong: what was expected and what came out."""

    line: int
    text: str
    expected_intent: str
    got_intent: str
    wrong_slots: dict = field(default_factory=dict)  # slot -> (expected, got)


@dataclass
class EvalReport:
    """Counts over a file."""

    path: str
    total: int = 0
    intent_correct: int = 0
    slot_total: dict = field(default_factory=dict)
    slot_correct: dict = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total if self.total else 1.0

    @property
    def slot_accuracy(self) -> float:
        total = sum(self.slot_total.values())
        return sum(self.slot_correct.values()) / total if total else 1.0


def slot_matches(name: str, expected, got) -> bool:
    """Exact match; places on the labelled levels; items by name containment and equal qty."""
    if name in ("origin", "place"):
        return isinstance(got, dict) and all(got.get(k) == v for k, v in expected.items())
    if name == "items":
        if not isinstance(got, list) or len(got) != len(expected):
            return False
        return all(any(_item_matches(e, g) for g in got) for e in expected)
    if name == "temperature":
        return got is not None and abs(float(got) - float(expected)) < 0.05
    return got == expected


def _item_matches(expected: dict, got: dict) -> bool:
    names = (expected.get("name", ""), got.get("name", ""))
    contained = names[0] in names[1] or names[1] in names[0]
    return contained and bool(names[1]) and float(got.get("qty") or -1) == float(expected.get("qty", -2))


def evaluate(path: Path, today: dt.date | None) -> EvalReport:
    """Run understand() over every labelled line of a jsonl file."""
    warm_up()
    report = EvalReport(str(path))
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        case = json.loads(line)
        day = dt.date.fromisoformat(case["today"]) if case.get("today") else today
        got = understand(case["text"], today=day)
        report.total += 1
        ok = got.intent == case["intent"]
        report.intent_correct += ok
        wrong = {}
        for name, expected in (case.get("slots") or {}).items():
            report.slot_total[name] = report.slot_total.get(name, 0) + 1
            if slot_matches(name, expected, got.slots.get(name)):
                report.slot_correct[name] = report.slot_correct.get(name, 0) + 1
            else:
                wrong[name] = (expected, got.slots.get(name))
        if not ok or wrong:
            report.misses.append(Miss(number, case["text"], case["intent"], got.intent, wrong))
    return report


def format_report(report: EvalReport) -> str:
    """A plain-text report: totals, per-slot accuracy, then every miss."""
    lines = [
        f"{report.path}: {report.total} messages",
        f"intent accuracy {report.intent_accuracy:.1%} ({report.intent_correct}/{report.total})",
        f"slot accuracy   {report.slot_accuracy:.1%} "
        f"({sum(report.slot_correct.values())}/{sum(report.slot_total.values())})",
    ]
    for name in sorted(report.slot_total):
        right, total = report.slot_correct.get(name, 0), report.slot_total[name]
        lines.append(f"  {name:<12} {right / total:.1%} ({right}/{total})")
    if report.misses:
        lines.append(f"misses ({len(report.misses)}):")
    for miss in report.misses:
        intent = f" intent {miss.expected_intent} -> {miss.got_intent}"
        intent = "" if miss.expected_intent == miss.got_intent else intent
        lines.append(f"  line {miss.line}: {miss.text}{intent}")
        for name, (expected, got) in miss.wrong_slots.items():
            lines.append(
                f"      {name}: expected {json.dumps(expected, ensure_ascii=False)}, "
                f"got {json.dumps(got, ensure_ascii=False)}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    when = dt.date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else None
    print(format_report(evaluate(Path(sys.argv[1]), when)))

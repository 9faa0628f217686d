"""The versioned policy table and the classification of a returnee's declaration against a risk list."""

from __future__ import annotations

from broadcasts.policy.classify import Classification, Declaration, ListInfo, MatchedEntry, classify, shanghai_today
from broadcasts.policy.rules import DISPOSITIONS, Policy, PolicyError, Rule, load_policy, parse_policy

__all__ = [
    "DISPOSITIONS",
    "Classification",
    "Declaration",
    "ListInfo",
    "MatchedEntry",
    "Policy",
    "PolicyError",
    "Rule",
    "classify",
    "load_policy",
    "parse_policy",
    "shanghai_today",
]

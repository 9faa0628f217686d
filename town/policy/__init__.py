"""The versioned policy table and the classification of a returnee's declaration against a risk list."""

from __future__ import annotations

from town.policy.classify import Classification, Declaration, ListInfo, MatchedEntry, classify
from town.policy.rules import DISPOSITIONS, Policy, PolicyError, Rule, load_policy, parse_policy

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
]

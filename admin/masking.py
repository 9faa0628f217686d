"""Phones and ID numbers as a viewer who may not read them sees them: 138****1234, 410***********1234."""

from __future__ import annotations

import re
from dataclasses import dataclass

# An 18-digit ID number (the last may be X) or an 11-digit mobile number inside free text a villager typed.
_IN_TEXT = re.compile(r"(?<!\d)(\d{17}[\dXx]|1\d{10})(?![\dXx])")


def mask_number(value: str) -> str:
    """The first three and last four characters kept, the rest starred (short values: only the last two kept)."""
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * max(len(value) - 2, 1) + value[-2:]


@dataclass(frozen=True)
class Mask:
    """Masks when `on`, passes values through when not."""

    on: bool

    def phone(self, value: str | None) -> str | None:
        return mask_number(value) if self.on and value else value

    def id_number(self, value: str | None) -> str | None:
        return mask_number(value) if self.on and value else value

    def text(self, value: str | None) -> str | None:
        """Free text with any phone or ID number in it masked."""
        if not self.on or not value:
            return value
        return _IN_TEXT.sub(lambda found: mask_number(found.group(1)), value)

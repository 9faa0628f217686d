"""The official medium/high-risk area lists: parse every published shape, store versions, diff, match."""

from __future__ import annotations

from town.riskareas.entries import Entry, ParsedList, RiskListError
from town.riskareas.index import Match, RiskIndex, load_index
from town.riskareas.store import (
    Diff,
    ImportResult,
    diff,
    diff_entries,
    entries,
    format_import,
    import_list,
    latest_id,
    parse_content,
    parse_file,
)

__all__ = [
    "Diff",
    "Entry",
    "ImportResult",
    "Match",
    "ParsedList",
    "RiskIndex",
    "RiskListError",
    "diff",
    "diff_entries",
    "entries",
    "format_import",
    "import_list",
    "latest_id",
    "load_index",
    "parse_content",
    "parse_file",
]

"""Reading the Today page and the 待办 board in tests: their tables, chart data and items, as a browser gets them."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from models.db import transaction
from tests.support.dashboard import make_admin, signed_in
from tests.support.people import person

PASSWORD = "correct horse battery"
CHARTS = re.compile(r'<script type="application/json" id="today-charts">(.*?)</script>', re.S)


class Tables(HTMLParser):
    """Every table of a page, by caption: a list of rows, each a list of cell texts (header cells included)."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.found[self._caption or ""] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption = (self._caption or "") + data.strip()
        elif self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """The page's tables by caption."""
    parser = Tables()
    parser.feed(html)
    return parser.found


def charts(html: str) -> dict:
    """The Today page's chart data (its JSON block)."""
    found = CHARTS.search(html)
    assert found, "the page carries no chart data"
    return json.loads(found[1])


def account(server, username: str, *, openid: str | None = None):
    """A signed-in client: a town account (no openid) or the dashboard account of the cadre with this openid."""
    with transaction(server.state.db) as session:
        person_id = person(session, openid) if openid else None
        make_admin(session, username=username, password=PASSWORD, person_id=person_id)
    return signed_in(server.url, username, PASSWORD)

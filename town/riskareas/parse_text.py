"""A published notice as text: the national 2021 form and the provincial and county layouts copied from web pages.

Level headers with or without colon and count (「高风险地区（3个）：」, 「一、高风险地区」, 「1.中风险地区：」),
province or city headers (「河南：11个」, 「北京市：」), areas with or without the province, several on a line
(、 ；), 新增 marks, web-page furniture and prose. Every line is placed, skipped as furniture or prose, or
reported: one unplaced line and nothing is imported. Header counts that disagree with the areas under them are warnings.
"""

from __future__ import annotations

from dataclasses import dataclass

from town.riskareas import notice, places
from town.riskareas.entries import Entry, ParsedList, RiskListError, shanghai_time
from town.riskareas.normalise import Divisions
from town.riskareas.places import Place, PlaceError
from town.riskareas.texts import ERROR, WARNING

LEVEL_WORDS = notice.LEVEL_WORDS


@dataclass
class _Count:
    """A header's announced count and the areas found under it."""

    line: int
    label: str
    expected: int | None
    got: int = 0


class _Reader:
    """One pass over the lines, keeping the headers in force."""

    def __init__(self, div: Divisions):
        self.div = div
        self.level: str | None = None
        self.province: str | None = None
        self.city: str | None = None
        self.counts: dict[str, _Count | None] = {"level": None, "place": None}
        self.time: tuple[int, tuple] | None = None
        self.page: tuple[int, tuple] | None = None
        self.entries: list[Entry] = []
        self.errors: list[tuple[int, str]] = []
        self.warnings: list[tuple[int, str]] = []

    def line(self, number: int, line: str) -> None:
        """Place one non-empty line."""
        if parts := notice.published(line):
            self.time = self.time or (number, parts)
            return
        if parts := notice.page_time(line):
            self.page = self.page or (number, parts)
            return
        if notice.furniture(line):
            return
        if header := notice.level_header(line):
            self._close("level")
            self.level, self.province, self.city = header.level, None, None
            self.counts["level"] = _Count(number, line, header.count)
            if header.rest and not notice.statement(header.rest):
                self._areas(number, header.rest)
            return
        if notice.statement(line):
            return
        if not self._place_header(number, line):
            self._areas(number, line)

    def _place_header(self, number: int, line: str) -> bool:
        header = notice.place_header(line)
        if header is None:
            return False
        province = self.div.province(header.name)
        if province is None and not (header.colon or header.count is not None):
            return False  # 「济源市」 alone is an area, not a heading
        chain = (province, None) if province else self._city(header.name)
        if chain is None:
            if self.div.prefix_province(header.name) or self._anywhere(header.name) or notice.prose(line):
                return False  # 「郑州市二七区:」 is an area with a stray colon; 「说明:」 a sentence
            if self.level is None:
                return True  # the preamble's own headings
            self.errors.append((number, ERROR.at.format(problem=ERROR.header.format(name=header.name), text=line)))
            self.province = self.city = None
            return True
        self._close("place")
        self.province, self.city = chain
        self.counts["place"] = _Count(number, line, header.count)
        return True

    def _city(self, name: str) -> tuple[str, str] | None:
        """A city heading: in the province in force, else the one province that has it."""
        text = places.clean(name)
        if self.province and (found := self.div.prefix_city(self.province, text)) and not found[1]:
            return self.province, found[0]
        hits = [(p, self.div.prefix_city(p, text)) for p in self.div.provinces_with_city(text)]
        whole = [(p, found[0]) for p, found in hits if found and not found[1]]
        return whole[0] if len(whole) == 1 else None

    def _anywhere(self, text: str) -> bool:
        return bool(self.div.provinces_with_city(places.clean(text)))

    def _areas(self, number: int, text: str) -> None:
        """The areas of one line, or the line's error; nothing from a line that fails in part."""
        placed: list[tuple[str, Place]] = []
        failure: tuple[str, PlaceError] | None = None
        for piece in notice.areas(text):
            try:
                placed.append(self._place(piece, placed[-1] if placed else None))
            except PlaceError as exc:
                failure = failure or (piece, exc)
        if failure is None and not placed:
            return
        if failure is not None and (notice.prose(text) or (self.level is None and not placed)):
            return  # a sentence, a signature, or the notice's preamble
        if failure is not None:
            piece, exc = failure
            self.errors.append((number, ERROR.at.format(problem=exc, text=piece)))
        elif self.level is None:
            self.errors.append((number, ERROR.text_level.format(line=text)))
        else:
            self._add(number, text, placed)

    def _add(self, number: int, text: str, placed: list[tuple[str, Place]]) -> None:
        for province, place in placed:
            fields = (place.city, place.district, place.township, place.community, place.whole_area)
            self.entries.append(Entry(self.level, province, *fields, raw=text, line=number))
        for count in self.counts.values():
            if count is not None:
                count.got += len(placed)

    def _place(self, piece: str, previous: tuple[str, Place] | None) -> tuple[str, Place]:
        """(province, place) of one area; after the first on a line, what it leaves out comes from the one before."""
        if previous is not None and (found := self._relative(previous, places.clean(piece))):
            return found
        return self._whole(places.clean(piece))

    def _relative(self, previous: tuple[str, Place], text: str) -> tuple[str, Place] | None:
        province, before = previous
        if not text:
            return None
        if district := self.div.prefix_known_district(province, before.city, text):
            return province, places.below_district(self.div, (province, before.city, district[0]), district[1])
        if self.div.prefix_city(province, text) or self.div.prefix_province(text):
            return None
        chain = (province, before.city, before.district)
        township, _rest = self.div.prefix_township(chain, text)
        if township is None and before.township:
            return province, Place(before.city, before.district, before.township, text, False)
        return province, places.below_district(self.div, chain, text)

    def _whole(self, text: str) -> tuple[str, Place]:
        """An area that names its own province, or lies in the province in force, or in the one city that fits."""
        if not text:
            raise PlaceError(ERROR.empty_area)
        named: PlaceError | None = None
        if found := self.div.prefix_province(text):
            for candidate in (text, found[1]):  # 吉林市 starts like 吉林省
                try:
                    return found[0], places.line(self.div, found[0], candidate)
                except PlaceError as exc:
                    named = exc
        if self.province:
            if self.city and not text.startswith(self.city):
                try:
                    return self.province, places.line(self.div, self.province, self.city + text)
                except PlaceError:
                    pass
            return self.province, places.line(self.div, self.province, text)
        if named is not None:
            raise named
        provinces = self.div.provinces_with_city(text)
        if len(provinces) == 1:
            return provinces[0], places.line(self.div, provinces[0], text)
        raise PlaceError(ERROR.no_province if not provinces else ERROR.many_provinces.format(n=len(provinces)))

    def _close(self, kind: str) -> None:
        """Compare a header's count with what was found under it; the level closes the place too."""
        kinds = ("place", "level") if kind == "level" else ("place",)
        for name in kinds:
            count = self.counts[name]
            if count is not None and count.expected is not None and count.expected != count.got:
                message = WARNING.count.format(header=count.label, expected=count.expected, got=count.got)
                self.warnings.append((count.line, message))
            self.counts[name] = None

    def finish(self, source: str) -> ParsedList:
        self._close("level")
        found = self.time or self.page
        published = shanghai_time(*found[1]) if found else None
        if found is None:
            self.errors.append((1, ERROR.text_time))
        elif published is None:
            year, month, day, hour = found[1]
            self.errors.append((found[0], ERROR.bad_time.format(year=year, month=month, day=day, hour=hour)))
        if not self.entries and not self.errors:
            self.errors.append((1, ERROR.empty))
        if self.errors:
            raise RiskListError(source, self.errors)
        return ParsedList(source, published, self.entries, sorted(self.warnings))


def parse_text(text: str, source: str, div: Divisions) -> ParsedList:
    """Every entry of the notice, or RiskListError naming every line that cannot be placed."""
    reader = _Reader(div)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            reader.line(number, line)
    return reader.finish(source)

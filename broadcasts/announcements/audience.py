"""Who an announcement is for: a kind and the villages it covers (models.audience turns it into SQL over `person`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from broadcasts.announcements.texts import TEXT
from models.sql import Sql
from models.town import list_villages, list_work_areas

KINDS = ("all", "village", "workarea", "isolated", "cadres")
# Audiences read out on the village loudspeaker (the others are for particular people, not the whole village).
LOUDSPEAKER = ("all", "village", "workarea")


class AudienceError(ValueError):
    """The audience text names nothing this town has."""


@dataclass(frozen=True)
class Audience:
    """A resolved audience: its kind and the villages it covers (None: every village)."""

    kind: str
    village_ids: tuple[int, ...] | None = None
    label: str = TEXT.whole_town


def resolve(session: Session, text: str) -> Audience:
    """all | village:NAME | workarea:NAME | isolated | cadres, names typed as villagers do (鸣皋 = 鸣皋村)."""
    kind, _, name = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS or bool(name.strip()) != (kind in ("village", "workarea")):
        raise AudienceError(TEXT.unknown_audience.format(text=text))
    if kind == "village":
        from bot.villages import UnknownVillage, resolve_village

        try:
            found = resolve_village(session, name.strip())
        except UnknownVillage as exc:
            raise AudienceError(str(exc)) from exc
        return Audience(kind, (found.id,), found.name)
    if kind == "workarea":
        return _work_area(session, name.strip())
    return Audience(kind, None, TEXT.labels[kind])


def _work_area(session: Session, name: str) -> Audience:
    """A work area by its name, or by a part of it (第一 = 第一工作区)."""
    sql = Sql(session.connection())
    areas = list_work_areas(sql)
    matches = [(i, n) for i, n in areas if n == name] or [(i, n) for i, n in areas if name in n]
    if len(matches) != 1:
        raise AudienceError(TEXT.unknown_work_area.format(name=name, areas=TEXT.separator.join(n for _, n in areas)))
    area_id, area_name = matches[0]
    ids = tuple(v.id for v in list_villages(session) if v.work_area_id == area_id)
    return Audience("workarea", ids, area_name)

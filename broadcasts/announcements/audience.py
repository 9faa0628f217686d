"""Who an announcement is for: the audience as SQL over `person`, always without opted-out or unfollowed people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models.sql import Sql
from models.town import list_villages

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
    label: str = "全镇"

    def where(self, sql: Sql) -> tuple[str, dict]:
        """The condition on `p` (person) selecting the audience, and its parameters."""
        params = {"yes": sql.flag(True), "no": sql.flag(False)}
        base = "p.subscribed = :yes AND p.announcements_opted_out = :no"
        if self.kind == "isolated":
            return base + " AND p.id IN (SELECT q.person_id FROM quarantine q WHERE q.status = 'active')", params
        if self.kind == "cadres":
            return base + " AND p.id IN (SELECT a.person_id FROM cadre_assignment a)", params
        if self.village_ids is None:
            return base, params
        ids, more = sql.in_list("aud_v", list(self.village_ids))
        return base + f" AND p.village_id IN {ids}", {**params, **more}


def resolve(session: Session, text: str) -> Audience:
    """all | village:NAME | workarea:NAME | isolated | cadres, names typed as villagers do (鸣皋 = 鸣皋村)."""
    kind, _, name = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS or bool(name.strip()) != (kind in ("village", "workarea")):
        raise AudienceError(f"不认识的范围「{text}」：可以是 all、village:村名、workarea:工作区、isolated、cadres")
    if kind == "village":
        from bot.villages import UnknownVillage, resolve_village

        try:
            found = resolve_village(session, name.strip())
        except UnknownVillage as exc:
            raise AudienceError(str(exc)) from exc
        return Audience(kind, (found.id,), found.name)
    if kind == "workarea":
        return _work_area(session, name.strip())
    return Audience(kind, None, {"all": "全镇", "isolated": "隔离户", "cadres": "全体干部"}[kind])


def _work_area(session: Session, name: str) -> Audience:
    """A work area by its name, or by a part of it (第一 = 第一工作区)."""
    sql = Sql(session.connection())
    areas = sql.all("SELECT id, name FROM work_area ORDER BY id")
    matches = [(i, n) for i, n in areas if n == name] or [(i, n) for i, n in areas if name in n]
    if len(matches) != 1:
        raise AudienceError(f"没有找到工作区「{name}」。有：{'、'.join(n for _, n in areas)}")
    area_id, area_name = matches[0]
    ids = tuple(v.id for v in list_villages(session) if v.work_area_id == area_id)
    return Audience("workarea", ids, area_name)

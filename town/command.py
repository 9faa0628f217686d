"""The chain of command: who answers for a village, a household or a request, who is next up when somebody cannot
be reached or does not act, and which roles may run which command.

Every role group lives here; delivery escalation, the supply ladder, sampling, the brief and every cadre command ask
this module instead of naming roles themselves. Role names as people read them are in town/texts.py.
"""

from __future__ import annotations

from models.cadre import (
    ROLES,
    Holder,
    answers_for,
    held_roles,
    holders,
    holders_anywhere,
    positions_of,
    roster_of,
    work_area_holders,
)
from models.person import village_of
from models.sql import Sql
from models.town import work_areas_of

TOP = "town_command"
LEAD = "work_area_lead"
LEADS = (LEAD, TOP)  # above the villages: a work area's villages, or the whole town
DOCTOR = ("village_doctor",)
VILLAGE_CADRE = ("village_cadre",)
VILLAGE_CADRES = ("village_cadre", "township_cadre")  # a village's cadres: its brief, a missed sampling round
VILLAGE_TEAM = (*VILLAGE_CADRES, "village_doctor")  # hear of every declaration and decide on its measure
FIRST_CONTACTS = ("village_cadre", "village_doctor")  # a household under a measure nobody was assigned to yet
CARERS = ("township_cadre", "village_cadre", "village_doctor", "police", "grid_worker")  # 包保责任人
CHECKPOINT_STAFF = tuple(role for role in ROLES if role != "village_doctor")  # report from the road
# 四包一: the four places around a household at home (each filled by one holder of one of its roles).
HOME_FOUR = (("township_cadre",), ("village_cadre",), ("village_doctor",), ("police", "grid_worker"))
# Health monitoring needs no guard at the door: its doctor samples and watches the temperature.
MONITORING_ONE = (DOCTOR,)

# Who answers for whom when a cadre cannot be reached or does not act.
NEXT_UP = {
    "village_doctor": "village_cadre",
    "grid_worker": "village_cadre",
    "police": "village_cadre",
    "volunteer": "village_cadre",
    "checkpoint": "village_cadre",
    "village_cadre": "township_cadre",
    "township_cadre": LEAD,
    LEAD: TOP,
}

# Which village roles may run which command for a village, and whether the village's leads may too.
DECIDE = "decide"  # 同意 / 维持 / 改为 on a declaration
ANSWER = "answer"  # 答复 a villager's question
HANDLE_SUPPLY = "handle_supply"  # 接单 / 送达 / 无法办理, beyond the request's own people
RECORD_SAMPLING = "record_sampling"  # 采样 N 完成, beyond the household's own four
FOLLOW_FEVER = "follow_fever"  # 已联系 N / 发热 N 已处理, beyond those the report was alerted to
MAY = {
    DECIDE: (VILLAGE_TEAM, True),
    ANSWER: (VILLAGE_TEAM, True),
    HANDLE_SUPPLY: (VILLAGE_CADRES, True),
    RECORD_SAMPLING: (VILLAGE_TEAM, False),
    FOLLOW_FEVER: (VILLAGE_TEAM, True),
}
# Who 帮助 shows each command to.
HELP_FOR = {
    DECIDE: (*VILLAGE_TEAM, *LEADS),
    ANSWER: (*VILLAGE_TEAM, *LEADS),
    HANDLE_SUPPLY: (*CARERS, *LEADS),
    RECORD_SAMPLING: (*CARERS,),
    FOLLOW_FEVER: (*VILLAGE_TEAM, *LEADS),
}


def ladder(start: str = "village_cadre") -> tuple[str, ...]:
    """The roles a matter climbs through from `start` up to the town command."""
    roles = [start]
    while roles[-1] in NEXT_UP:
        roles.append(NEXT_UP[roles[-1]])
    return tuple(roles)


def may(sql: Sql, action: str, *, person_id: int, village_id: int) -> bool:
    """Whether the person may run this command for this village."""
    roles, leads = MAY[action]
    return answers_for(sql, person_id=person_id, village_id=village_id, roles=roles, leads=leads)


def holders_at(sql: Sql, role: str, village_id: int | None) -> list[Holder]:
    """Who holds this rung of the chain for the village: its own holders, its area's lead, or the town command."""
    if role == TOP:
        return town_command(sql)
    if village_id is None:
        return []
    if role == LEAD:
        return work_area_holders(sql, village_id=village_id, role=LEAD)
    return holders(sql, village_id=village_id, roles=(role,))


def responsible(sql: Sql, *, village_id: int | None, roles: tuple[str, ...]) -> list[Holder]:
    """The village's holders of these roles; when there are none, those above it (see `above`)."""
    if village_id is None:
        return town_command(sql)
    return holders(sql, village_id=village_id, roles=roles) or above(sql, village_id)


def above(sql: Sql, village_id: int) -> list[Holder]:
    """Those above a village: its work area's lead, then the town command."""
    return [*work_area_holders(sql, village_id=village_id, role=LEAD), *town_command(sql)]


class Roster:
    """`holders`, `responsible`, `above` and `town_command` for a set of villages, read once: a batch's cadres."""

    def __init__(self, sql: Sql, village_ids):
        wanted = sorted({v for v in village_ids if v is not None})
        if wanted:
            self._rows, villages = roster_of(sql, village_ids=wanted)
        else:
            self._rows, villages = [(h, None) for h in holders_anywhere(sql, roles=(TOP,))], []
        self.names = {vid: name for vid, name, _ in villages}
        self._areas = {vid: area for vid, _, area in villages}
        # Indexed once, in the order bound: a re-classification chunk asks for thousands of households.
        self._of_village: dict[int, list[Holder]] = {}
        self._leads: dict[int, list[Holder]] = {}
        for holder, area in self._rows:
            self._of_village.setdefault(holder.village_id, []).append(holder)
            if holder.role == LEAD and area is not None:
                self._leads.setdefault(area, []).append(holder)
        self._top = [h for h, _ in self._rows if h.role == TOP]

    def holders(self, village_id: int, roles) -> list[Holder]:
        """Who holds these roles for the village, in the order bound."""
        return [h for h in self._of_village.get(village_id, ()) if h.role in roles]

    def town_command(self) -> list[Holder]:
        """Everyone bound as the town command."""
        return list(self._top)

    def leads(self, village_id: int) -> list[Holder]:
        """The leads of the village's work area."""
        area = self._areas.get(village_id)
        return list(self._leads.get(area, ())) if area is not None else []

    def above(self, village_id: int) -> list[Holder]:
        """The village's work-area lead, then the town command."""
        return [*self.leads(village_id), *self.town_command()]

    def holders_at(self, role: str, village_id: int | None) -> list[Holder]:
        """`holders_at` from the roster."""
        if role == TOP:
            return self.town_command()
        if village_id is None:
            return []
        return self.leads(village_id) if role == LEAD else self.holders(village_id, (role,))

    def responsible(self, village_id: int | None, roles) -> list[Holder]:
        """The village's holders of these roles, else those above it."""
        if village_id is None:
            return self.town_command()
        return self.holders(village_id, roles) or self.above(village_id)


def town_command(sql: Sql) -> list[Holder]:
    """Everyone bound as the town command."""
    return holders_anywhere(sql, roles=(TOP,))


def leaders(sql: Sql) -> list[Holder]:
    """Every work-area lead and the town command, each person once."""
    return list({h.person_id: h for h in holders_anywhere(sql, roles=LEADS)}.values())


def next_up(sql: Sql, openid: str) -> str | None:
    """The openid of the cadre one level above this person (a villager's is their village cadre)."""
    positions = positions_of(sql, openid=openid) or [("villager", village_of(sql, openid=openid))]
    for role, village_id in positions:
        found = _holder_above(sql, role, village_id, openid)
        if found:
            return found
    return None


def _holder_above(sql: Sql, role: str, village_id: int | None, openid: str) -> str | None:
    wanted = "village_cadre" if role == "villager" else NEXT_UP.get(role)
    while wanted:
        rung = TOP if village_id is None else wanted
        found = next((h.openid for h in holders_at(sql, rung, village_id) if h.openid != openid), None)
        if found:
            return found
        wanted = NEXT_UP.get(wanted)
    return None


def jurisdiction(sql: Sql, person_id: int) -> tuple[str, list[int]] | None:
    """What a cadre answers for: ("town", []), ("work_areas", villages they lead) or ("villages", theirs)."""
    roles = held_roles(sql, person_id=person_id)
    if not roles:
        return None
    if any(role == TOP for role, _ in roles):
        return "town", []
    leads = [village for role, village in roles if role == LEAD]
    if leads:
        return "work_areas", leads
    return "villages", list(dict.fromkeys(village for _, village in roles))


def villages_answered(session, sql: Sql, person_id: int) -> list[int] | None:
    """Where a cadre's 待办 looks: None for the whole town, every village of a lead's work areas, else the villages
    they hold a role in ([] for someone holding none)."""
    found = jurisdiction(sql, person_id)
    if found is None:
        return []
    scope, villages = found
    if scope == "town":
        return None
    return work_areas_of(session, villages)[1] if scope == "work_areas" else villages

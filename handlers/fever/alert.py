"""Who hears of a fever and how: the village doctor (or those above), the alert's facts, the advice to the sender."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.dialogue import Context
from bot.nlu.health import shown_symptoms
from handlers.fever.texts import TEXT
from models.cadre import Holder
from models.town import TownFileError, read_town_file
from town import command
from town.alerts import send_alert

DOCTOR, VILLAGE_CADRE = "village_doctor", "village_cadre"


@lru_cache(maxsize=4)
def _town(path: Path) -> str | None:
    try:
        return read_town_file(path).name
    except TownFileError:
        return None


def clinic(ctx: Context) -> str:
    """The fever clinic at the town health centre: 鸣皋镇卫生院发热门诊."""
    town = _town(Path(ctx.settings.town_file))
    return TEXT.clinic.format(town=town) if town else TEXT.clinic_unknown


def facts(degrees: float | None, symptoms: list[str]) -> str:
    """体温37.9℃，拉肚子 / 发烧，体温还没量，嗓子疼."""
    shown = shown_symptoms(symptoms, degrees)
    if degrees is not None:
        return TEXT.comma.join([TEXT.degrees.format(value=degrees), *shown])
    said_fever = [TEXT.fever] if TEXT.fever in shown else []
    return TEXT.comma.join([*said_fever, TEXT.no_degrees, *(s for s in shown if s != TEXT.fever)])


def doctors(ctx: Context, village_id: int | None) -> list[Holder]:
    """The village's doctor; when none is bound, the work-area lead, else (or with no village) the town command.

    Without a doctor the village's own cadre hears too: they are the nearest person to knock on the door.
    """
    found = command.responsible(ctx.sql, village_id=village_id, roles=command.DOCTOR)
    if any(h.role == DOCTOR for h in found):
        return found
    return [*command.holders_at(ctx.sql, VILLAGE_CADRE, village_id), *found]


def told(holders: list[Holder], *, care: bool = False) -> str:
    """Who was told, as the sender reads it (with the doctor's phone, to call them first if they like)."""
    doctor = next((h for h in holders if h.role == DOCTOR), None)
    if doctor is not None:
        name = (doctor.name or "") + (TEXT.doctor_phone.format(phone=doctor.phone) if doctor.phone else "")
        return (TEXT.told_care if care else TEXT.told_doctor).format(name=name)
    cadre = next((h for h in holders if h.role == VILLAGE_CADRE), None)
    if cadre is not None:
        name = (cadre.name or "") + (TEXT.doctor_phone.format(phone=cadre.phone) if cadre.phone else "")
        return TEXT.told_cadre.format(name=name)
    return TEXT.told_above if holders else TEXT.told_nobody


def advice(ctx: Context, *, isolated: bool = False) -> str:
    return (TEXT.advice_isolated if isolated else TEXT.advice).format(clinic=clinic(ctx))


def pairs(holders: list[Holder]) -> list[list]:
    """Each holder once, as the [person_id, openid] pairs a report remembers it alerted."""
    return [[h.person_id, h.openid] for h in {h.person_id: h for h in holders}.values()]


def send(ctx: Context, key: str, holders: list[Holder], text: str) -> list[list]:
    """An alert to each holder once (key: the occurrence); who was alerted, as [person_id, openid] pairs."""
    unique = {h.person_id: h for h in holders}.values()
    for holder in unique:
        send_alert(
            ctx.sql,
            key=f"{key}:{holder.person_id}",
            recipient_openid=holder.openid,
            text=text,
            now=ctx.now,
            origin_openid=ctx.person.openid,
        )
    return [[h.person_id, h.openid] for h in unique]

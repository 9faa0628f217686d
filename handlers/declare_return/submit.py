"""After 「对」: classify, store (or update the open declaration), open the quarantine, alert, and reply."""

from __future__ import annotations

import datetime as dt
import logging

from bot.dialogue import Context
from bot.dialogue.fields import village_name
from handlers.declare_return.abroad import entry_facts, summary_line
from handlers.declare_return.places import origin_text, whose
from handlers.declare_return.texts import CODES, TEXT, TRANSPORTS
from models.cadre import Holder
from models.care import DONE, rounds_of
from models.declaration import Declaration as DeclarationRow
from models.declaration import open_declaration, replace_household, save_classification, save_declaration
from models.person import update_profile
from models.quarantine import CENTRAL, HOME
from town import command
from town.alerts import ALERT, NOTICE
from town.bundle import Bundle
from town.care import apply_quarantine
from town.care.household import carers
from town.clock import day
from town.policy import Declaration, classify, load_policy
from town.policy.measure import describe
from town.policy.rules import MAX_AGE_DAYS, NO_QUARANTINE
from town.riskareas.age import stale_note
from town.texts import ROLE_NAMES

log = logging.getLogger(__name__)
COMMAND_DISPOSITIONS = (CENTRAL,)  # the town command hears of these at once, as of any urgent rule


def facts(ctx: Context) -> dict:
    """The declaration as the summary and the alerts show it."""
    slots = ctx.slots
    arrived = dt.date.fromisoformat(slots["arrived_on"])
    left = dt.date.fromisoformat(slots["left_on"]) if slots.get("left_on") else None
    transport = TRANSPORTS.get(slots.get("transport") or "other", TRANSPORTS["other"])
    members = slots.get("companions") or []
    abroad = bool(slots["origin"].get("abroad"))
    return {
        "whose": whose(ctx),
        "name": slots["name"],
        "phone": slots["phone"],
        "id_number": slots.get("id_number") or TEXT.not_given,
        "village": village_name(ctx, slots["village"]),
        "origin": origin_text(slots),
        "entry": summary_line(slots),
        "left_line": "" if abroad else TEXT.left_line.format(left=_left(left, arrived)),
        "arrived": day(arrived),
        "transport": transport + _detail(slots),
        "code": CODES[slots["health_code"]],
        "companions": TEXT.separator.join(_member_name(m) for m in members) or TEXT.none,
    }


def _left(left: dt.date | None, arrived: dt.date) -> str:
    return TEXT.same_day.format(day=day(left)) if left == arrived else day(left) or TEXT.not_given


def _left_day(ctx: Context) -> str:
    return day(dt.date.fromisoformat(ctx.slots.get("left_on") or ctx.slots["arrived_on"]))


def _detail(slots: dict) -> str:
    """（G1234）: the train number, plate or flight, if given."""
    return TEXT.detail.format(detail=slots["transport_detail"]) if slots.get("transport_detail") else ""


def _member_name(member: dict) -> str:
    return TEXT.member.format(**member) if member.get("relation") else member["name"]


def finish(ctx: Context) -> str:
    """Store the declaration and its classification in this message's transaction, and answer."""
    result = _classify(ctx)
    declaration, updated = _store(ctx, result)
    classification = save_classification(ctx.session, declaration_id=declaration.id, result=result, now=ctx.now)
    cadres = _recipients(ctx, declaration.village_id, result)
    # One message per cadre: the declaration, then their place in its 四包一 when they have one.
    bundle = Bundle(origin_openid=ctx.person.openid)
    quarantine = apply_quarantine(
        ctx.session,
        declaration=declaration,
        classification=classification,
        now=ctx.now,
        home_start_on=result.home_start,
        bundle=bundle,
    )
    # After the rounds are scheduled: cadres read the same sampling days the household is told.
    _alert(ctx, declaration, classification.id, cadres, result, updated, bundle, _visits(ctx, result, quarantine))
    bundle.send(ctx.sql, now=ctx.now)
    if not ctx.slots.get("relation"):
        slots = ctx.slots
        update_profile(
            ctx.sql, person=ctx.person, name=slots["name"], phone=slots["phone"], village_id=slots["village"]
        )
    template = TEXT.updated if updated else TEXT.done
    next_step = _next_step(ctx, result, quarantine, told=bool(cadres))
    reply = template.format(whose=whose(ctx), reason=result.reason, next=next_step)
    return reply + _companions_too(ctx) + _contact(cadres) + _stale(ctx, result)


def _stale(ctx: Context, result) -> str:
    """The list's age, on a new line, when the list classified against is older than the policy allows."""
    max_age = ctx.risk.policy.risk_list_max_age_days if ctx.risk is not None else MAX_AGE_DAYS
    note = stale_note(result.list_published_at, ctx.now, max_age)
    return f"\n{note}" if note else ""


def _classify(ctx: Context):
    slots = ctx.slots
    origin = {**slots["origin"], "township": slots.get("street")}
    arrived = dt.date.fromisoformat(slots["arrived_on"])
    left = dt.date.fromisoformat(slots["left_on"]) if slots.get("left_on") else None
    if ctx.risk is not None:
        policy, (index, list_info) = ctx.risk.policy, ctx.risk.current(ctx.session, latest=True)
    else:
        policy, index, list_info = load_policy(ctx.settings.policy_file), None, None
    entry = list(entry_facts(slots).values())  # entry date, port city, days done there
    declared = Declaration(origin, arrived, left, slots["health_code"], *entry)
    return classify(policy, index, list_info, declared, ctx.today)


def _active_until(ctx: Context, result) -> dt.date:
    """Re-classified on new lists, and updated by a second declaration, until the policy stops caring."""
    window = ctx.risk.policy.window_days if ctx.risk is not None else 14
    left = dt.date.fromisoformat(ctx.slots.get("left_on") or ctx.slots["arrived_on"])
    return max(result.end or left, left + dt.timedelta(days=window))


def _store(ctx: Context, result) -> tuple[DeclarationRow, bool]:
    slots = ctx.slots
    origin = {**slots["origin"], "township": slots.get("street")}
    found = open_declaration(ctx.session, person_id=ctx.person.id, name=slots["name"], today=ctx.today)
    declaration = found or DeclarationRow(person_id=ctx.person.id, created_at=ctx.now)
    declaration.sqlmodel_update(
        {
            "declared_by_person_id": ctx.person.id if slots.get("relation") else None,
            "relation": slots.get("relation") or None,
            "village_id": slots["village"],
            "name": slots["name"],
            "phone": slots["phone"],
            "id_number": slots.get("id_number"),
            "origin_province": origin.get("province"),
            "origin_city": origin.get("city"),
            "origin_district": origin.get("district"),
            "origin_township": origin.get("township"),
            "abroad": bool(origin.get("abroad")),
            **entry_facts(slots),
            "left_on": dt.date.fromisoformat(slots["left_on"]) if slots.get("left_on") else None,
            "arrived_on": dt.date.fromisoformat(slots["arrived_on"]),
            "transport": slots.get("transport"),
            "transport_detail": slots.get("transport_detail"),
            "health_code": slots["health_code"],
            "active_until": _active_until(ctx, result),
            "updated_at": ctx.now if found else None,
        }
    )
    save_declaration(ctx.session, declaration=declaration)
    companions = [(member["name"], member["relation"]) for member in slots.get("companions") or []]
    replace_household(ctx.session, declaration_id=declaration.id, members=companions)
    return declaration, found is not None


def _recipients(ctx: Context, village_id: int, result) -> list[Holder]:
    """The village's cadres and doctor (or those above them); the town command too when it is urgent."""
    cadres = command.responsible(ctx.sql, village_id=village_id, roles=command.VILLAGE_TEAM)
    if result.alert or result.disposition in COMMAND_DISPOSITIONS:
        cadres += command.town_command(ctx.sql)
    if not cadres:
        log.warning("no cadre is bound for village %s or above it: a declaration alerts no one", village_id)
    return cadres


def _alert(
    ctx: Context,
    declaration,
    classification_id: int,
    cadres: list[Holder],
    result,
    updated: bool,
    bundle: Bundle,
    samples: list[dt.date],
) -> None:
    shown = facts(ctx)
    members = ctx.slots.get("companions") or []
    relation = ctx.slots.get("relation")
    text = TEXT.alert.format(
        urgent=TEXT.urgent if result.alert else "",
        update=TEXT.update if updated else "",
        number=declaration.id,
        measure=describe(result.disposition, result.start, result.end, result.home_start),
        samples=TEXT.separator.join(day(d) for d in samples) or TEXT.no_samples,
        reason=result.reason,
        **{
            **shown,
            "left_part": "" if ctx.slots["origin"].get("abroad") else TEXT.alert_left.format(left=_left_day(ctx)),
            "companions": TEXT.alert_companions.format(names=shown["companions"]) if members else "",
        },
        sender=_sender(ctx, relation) if relation else "",
    ) + _stale(ctx, result)
    # A returnee who needs no measure is news, not a task: it never becomes a phone call if it bounces.
    kind = NOTICE if result.disposition == NO_QUARANTINE and not result.alert else ALERT
    for cadre in {c.person_id: c for c in cadres}.values():
        key = f"declaration:{declaration.id}:classification:{classification_id}:alert:{cadre.person_id}"
        bundle.add(person_id=cadre.person_id, openid=cadre.openid, key=key, text=text, kind=kind, first=True)


def _sender(ctx: Context, relation: str) -> str:
    """Who declared for the returnee, as the cadre can reach them."""
    person = ctx.person
    sender = (person.name or TEXT.family) + (TEXT.sender_phone.format(phone=person.phone) if person.phone else "")
    return TEXT.alert_sender.format(sender=sender, relation=relation)


def _next_step(ctx: Context, result, quarantine, *, told: bool) -> str:
    """What happens next; a visit is promised by role only when someone holds that place for the household."""
    if result.alert:
        return TEXT.next_urgent if told else TEXT.next_urgent_nobody
    dates = _visits(ctx, result, quarantine)
    samples = TEXT.separator.join(day(d) for d in dates)
    first = "" if not dates else TEXT.today.format(day=day(dates[0])) if dates[0] == ctx.today else day(dates[0])
    doctor = quarantine is not None and any(c.role in command.DOCTOR for c in carers(ctx.sql, quarantine.id))
    if result.disposition == HOME:
        template = TEXT.next_isolate if doctor else TEXT.next_isolate_unassigned
        return template.format(days=result.days, first=first, count=len(dates), samples=samples)
    if dates:
        template = TEXT.next_monitor if doctor else TEXT.next_monitor_unassigned
        return template.format(first=first, count=len(dates), samples=samples)
    return TEXT.next_free


def _visits(ctx: Context, result, quarantine) -> list[dt.date]:
    """The days the doctor will come, as the rounds were scheduled: a sampling day already past is not promised."""
    if quarantine is None:
        return list(result.nucleic_acid_dates)
    return [r.day for r in rounds_of(ctx.session, quarantine_id=quarantine.id) if r.status != DONE]


def _companions_too(ctx: Context) -> str:
    members = ctx.slots.get("companions") or []
    names = TEXT.separator.join(m["name"] for m in members)
    return "\n" + TEXT.companions_too.format(names=names) if members else ""


def _contact(cadres: list[Holder]) -> str:
    """A phone to call: the village cadre's, else whoever above the village was told (the town command's)."""
    cadre = next((c for c in cadres if c.role == "village_cadre" and c.name and c.phone), None)
    if cadre is not None:
        return TEXT.cadre_contact.format(name=cadre.name, phone=cadre.phone)
    above = next((c for c in cadres if c.role in command.LEADS and c.phone), None)
    if above is not None:
        return TEXT.above_contact.format(role=ROLE_NAMES[above.role], name=above.name or "", phone=above.phone)
    return "" if cadres else TEXT.no_contact

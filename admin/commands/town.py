"""Commands for the town's operators: cadres, the 台账, announcements, the brief, lists of the day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from admin.commands.texts import TEXT
from bot.startup import day_option, prepare_database
from bot.villages import VillageIndex, VillageRef
from models.cadre import INVITE_DAYS, ROLES, create_invite
from models.db import transaction, utcnow
from models.sql import Sql
from models.town import list_villages, list_work_areas, read_town_file, village_ids, villages_by_work_area
from town import clock
from town.posts import TOWN, WORK_AREA, position_name, scope_of
from town.settings import get_settings
from town.texts import ROLE_NAMES


def invite_cadre(
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}"),
    village: str = typer.Option(None, help="The village, for a village's roles, e.g. 鸣皋村 (none for town_command)"),
    work_area: str = typer.Option(None, "--work-area", help="The work area, for work_area_lead, e.g. 第一工作区"),
) -> None:
    """Create a one-time code; the cadre sends 「绑定 CODE」 to the account. The code is the last line."""
    settings = get_settings()
    if role not in ROLES:
        choices = TEXT.separator.join(TEXT.role_choice.format(key=key, name=name) for key, name in ROLE_NAMES.items())
        typer.echo(TEXT.unknown_role.format(role=role, choices=choices), err=True)
        raise typer.Exit(2)
    db = prepare_database(settings)
    with transaction(db) as session:
        try:
            village_id = _place(session, role, village=village, work_area=work_area, town_file=settings.town_file)
        except PlaceError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        invite = create_invite(session, role=role, village_id=village_id, now=utcnow())
        position = position_name(session, role, village_id)
    typer.echo(TEXT.invite.format(position=position, days=INVITE_DAYS))
    typer.echo(TEXT.invite_howto.format(code=invite.code))
    typer.echo(invite.code)


class PlaceError(ValueError):
    """The role's place was not given, or given where the role takes none."""


def _place(session: Session, role: str, *, village: str | None, work_area: str | None, town_file: Path) -> int:
    """The village an invite is stored under: the named one; the work area's first; the town's first."""
    scope, name = scope_of(role), ROLE_NAMES[role]
    if scope == TOWN:
        if village or work_area:
            raise PlaceError(TEXT.town_takes_no_place.format(role=name))
        return village_ids(session)[0]  # the town command answers for the town, whichever village it is stored under
    if scope == WORK_AREA:
        if village and work_area:
            raise PlaceError(TEXT.one_place.format(role=name))
        if village:
            return _village(session, village, town_file).id  # the village's work area
        if not work_area:
            raise PlaceError(TEXT.needs_work_area.format(role=name, areas=_areas(session)))
        return _area_village(session, work_area)
    if work_area:
        raise PlaceError(TEXT.village_role_no_area.format(role=name))
    if not village:
        raise PlaceError(TEXT.needs_village.format(role=name))
    return _village(session, village, town_file).id


def _village(session: Session, name: str, town_file: Path) -> VillageRef:
    """The village typed as villagers type it (鸣皋 = 鸣皋村)."""
    villages = VillageIndex([VillageRef(v.id, v.name) for v in list_villages(session)])
    found = villages.by_name(name)
    if found is None:
        raise PlaceError(TEXT.unknown_village.format(village=name, town_file=town_file))
    return found


def _area_village(session: Session, name: str) -> int:
    """The first village of the work area named (「第一」 = 第一工作区)."""
    areas = list_work_areas(Sql(session.connection()))
    wanted = {name, f"{name}{TEXT.work_area_suffix}"}
    area_id = next((area_id for area_id, area in areas if area in wanted), None)
    villages = [v.id for v in villages_by_work_area(session) if v.work_area_id == area_id]
    if area_id is None or not villages:
        raise PlaceError(TEXT.unknown_work_area.format(area=name, areas=_areas(session)))
    return villages[0]


def _areas(session: Session) -> str:
    """The town's work areas, for a message that asks for one."""
    return TEXT.separator.join(area for _, area in list_work_areas(Sql(session.connection())))


def export_ledger(
    out: Annotated[Path, typer.Argument(dir_okay=False, help="The workbook to write, e.g. 台账.xlsx")],
    village: str = typer.Option(None, help="Only this village, typed as villagers do (鸣皋 = 鸣皋村)"),
) -> None:
    """Export the 台账 to Excel: 返乡人员, 隔离管控, 卡点异常, 发热, 物资, 红白事 and 疫苗, one sheet each."""
    from admin.ledger import open_ledger
    from admin.ledger_xlsx import save_ledger
    from bot.villages import UnknownVillage, resolve_village
    from town.policy.rules import load_policy

    settings = get_settings()
    if not out.parent.is_dir():
        typer.echo(TEXT.no_folder.format(folder=out.parent), err=True)
        raise typer.Exit(2)
    db = prepare_database(settings)
    town = read_town_file(settings.town_file)
    with transaction(db) as session:
        try:
            found = resolve_village(session, village) if village else None
        except UnknownVillage as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        policy = load_policy(settings.policy_file)
        ledger = open_ledger(session, town=town.name, now=utcnow(), tz=clock.zone(), village=found, policy=policy)
        counts = save_ledger(ledger, out)  # the rows are read as they are written, inside the transaction
    shown = TEXT.count_separator.join(TEXT.sheet_count.format(title=title, n=n) for title, n in counts.items())
    scope = ledger.village or TEXT.whole_town
    typer.echo(TEXT.exported.format(town=town.name, scope=scope, counts=shown, out=out))


def checkpoint_reconcile(
    date: str = typer.Option(None, help="The day, YYYY-MM-DD (default: today in TIMEZONE)"),
    send: bool = typer.Option(False, "--send", help="Also queue the lists for the town command"),
) -> None:
    """Match a day's checkpoint sightings to declarations; print who was seen but not declared, and the reverse."""
    from broadcasts.checkpoint_lists import report

    day = day_option(date, "--date")
    with transaction(prepare_database(get_settings())) as session:
        typer.echo(report(session, now=utcnow(), day=day, send=send))


def vaccination_coverage(
    village: str = typer.Option(None, help="Only this village, typed as villagers do (鸣皋 = 鸣皋村)"),
) -> None:
    """Print vaccination coverage per village and age group, from what villagers registered in the chat."""
    from bot.villages import UnknownVillage, resolve_village
    from town.vaccination import coverage, report

    with transaction(prepare_database(get_settings())) as session:
        try:
            found = resolve_village(session, village) if village else None
        except UnknownVillage as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        rows = coverage(session, village_ids=[found.id] if found else None)
    typer.echo(report(rows, found.name if found else TEXT.whole_town))


def announce(
    text: str = typer.Option(..., help="What to say (also the loudspeaker script for the village cadres)"),
    to: str = typer.Option(..., help="all | village:NAME | workarea:NAME | isolated | cadres"),
    at: str = typer.Option(None, help='Once, at "YYYY-MM-DD HH:MM" (town time); without --at/--daily: now'),
    daily: str = typer.Option(None, help="Every day at HH:MM[,HH:MM] (town time)"),
    until: str = typer.Option(None, help="Last day of a daily announcement, YYYY-MM-DD"),
) -> None:
    """Send an announcement now, at a time, or daily; prints the plan (who is reached, by which channel)."""
    from broadcasts.announcements import AudienceError, announce, announce_text

    settings = get_settings()
    tz = clock.zone()
    try:
        when = dt.datetime.strptime(at, "%Y-%m-%d %H:%M").replace(tzinfo=tz).astimezone(dt.UTC) if at else None
        last = dt.date.fromisoformat(until) if until else None
        with transaction(prepare_database(settings)) as session:
            stored, plan = announce(session, settings, text=text, to=to, now=utcnow(), at=when, daily=daily, until=last)
            typer.echo(announce_text(stored, plan, tz))
    except (AudienceError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def faq_add(
    number: Annotated[int, typer.Argument(help="The question's number (第N号), answered with 「答复 N 内容」")],
    question: str = typer.Option(None, help="The question as it should be written in the FAQ (default: as asked)"),
) -> None:
    """Add an answered villager question and its cadre's answer to FAQ_FILE, so it is answered by itself next time."""
    from handlers.faq.index import FaqError
    from handlers.faq.store import add_to_faq, answered

    settings = get_settings()
    try:
        with transaction(prepare_database(settings)) as session:
            asked, answer, note = answered(session, number, clock.zone())
        entry = add_to_faq(settings.faq_file, question=question or asked, answer=answer, note=note)
    except FaqError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(TEXT.faq_added.format(file=settings.faq_file, entry=entry))


def brief_command(
    date: str = typer.Option(None, help="The day, YYYY-MM-DD (default: today in TIMEZONE)"),
    village: str = typer.Option(None, help="One village, typed as villagers do (鸣皋 = 鸣皋村); default the town"),
) -> None:
    """Print the evening dispatch brief of the town or a village (as stored at BRIEF_AT, else the numbers so far)."""
    from bot.villages import UnknownVillage, resolve_village
    from broadcasts.brief import brief_text

    day = day_option(date, "--date")
    settings = get_settings()
    with transaction(prepare_database(settings)) as session:
        try:
            found = resolve_village(session, village) if village else None
        except UnknownVillage as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        typer.echo(brief_text(session, utcnow(), settings, day=day, village=found))

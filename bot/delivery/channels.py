"""Which channels can reach a person now, in the order to try them; and which channel reaches each cadre."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.delivery.transport import CUSTOM, SUBSCRIBE, TEMPLATE, WECOM
from models.cadre import ROLES, holders_anywhere
from models.delivery import Recipient, load_recipients, paused_apis
from models.sql import Sql
from town.settings import Settings

NONE = "none"


def channels_for(
    recipient: Recipient, kind: str, settings: Settings, paused: set[str], now: dt.datetime
) -> list[tuple[str, str | None]]:
    """(channel, template id) pairs to try in order; empty when nothing can reach the person.

    Villagers get customer service first (it carries their replies); cadres get the channels that do not depend
    on WeChat's 48-hour window first (WeCom, then template), and customer service only as a last resort.
    """
    choices: list[tuple[str, str | None]] = []
    if settings.wecom and recipient.wecom_userid and WECOM not in recipient.blocked:
        choices.append((WECOM, None))  # WeCom does not need the person to follow the account
    if recipient.subscribed:
        custom = recipient.window_open(now) and CUSTOM not in recipient.blocked
        if custom and not recipient.cadre:
            choices.append((CUSTOM, None))
        template = settings.template_id(kind)
        if settings.wechat_account_type == "service" and template and TEMPLATE not in recipient.blocked:
            choices.append((TEMPLATE, template))
        subscribe = settings.template_id(kind, subscribe=True)
        if subscribe and SUBSCRIBE not in recipient.blocked:
            choices.append((SUBSCRIBE, subscribe))
        if custom and recipient.cadre:
            choices.append((CUSTOM, None))
    return [(channel, template_id) for channel, template_id in choices if channel not in paused]


@dataclass(frozen=True)
class CadreReach:
    """A bound cadre and the channel that reaches them now (wecom, template, subscribe, custom or none)."""

    recipient: Recipient
    channel: str
    village_ids: frozenset[int]


def cadre_reach(
    sql: Sql, settings: Settings, now: dt.datetime, *, village_ids: list[int] | None = None
) -> list[CadreReach]:
    """For every bound cadre (of these villages, or all), the channel an alert would go out on now."""
    held = [h for h in holders_anywhere(sql, roles=ROLES) if village_ids is None or h.village_id in village_ids]
    villages: dict[str, set[int]] = {}
    for holder in held:
        villages.setdefault(holder.openid, set()).add(holder.village_id)
    if not villages:
        return []
    recipients = load_recipients(sql, list(villages), month_start=now)
    paused = paused_apis(sql, now=now)
    found = []
    for openid, where in villages.items():
        recipient = recipients[openid]
        choices = channels_for(recipient, "alert", settings, paused, now)
        found.append(CadreReach(recipient, choices[0][0] if choices else NONE, frozenset(where)))
    return found


def unreachable_cadres(
    sql: Sql, settings: Settings, now: dt.datetime, *, village_ids: list[int] | None = None
) -> list[Recipient]:
    """Bound cadres (of these villages, or all) whom no channel reaches now: someone must phone them."""
    reached = cadre_reach(sql, settings, now, village_ids=village_ids)
    return [found.recipient for found in reached if found.channel == NONE]

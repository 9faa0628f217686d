"""Which channels can reach a person now, in the order to try them."""

from __future__ import annotations

import datetime as dt

from bot.delivery.transport import CUSTOM, SUBSCRIBE, TEMPLATE
from models.delivery import Recipient
from town.settings import Settings


def channels_for(
    recipient: Recipient, kind: str, settings: Settings, paused: set[str], now: dt.datetime
) -> list[tuple[str, str | None]]:
    """(channel, template id) pairs to try in order; empty when nothing can reach the person."""
    if not recipient.subscribed:
        return []
    choices: list[tuple[str, str | None]] = []
    if recipient.window_open(now) and CUSTOM not in recipient.blocked:
        choices.append((CUSTOM, None))
    template = settings.template_id(kind)
    if settings.wechat_account_type == "service" and template and TEMPLATE not in recipient.blocked:
        choices.append((TEMPLATE, template))
    subscribe = settings.template_id(kind, subscribe=True)
    if subscribe and SUBSCRIBE not in recipient.blocked:
        choices.append((SUBSCRIBE, subscribe))
    return [(channel, template_id) for channel, template_id in choices if channel not in paused]

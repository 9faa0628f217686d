"""Route one stored inbound message to an account event, a menu flow or the dialogue engine."""

from __future__ import annotations

from bot.delivery import reports
from bot.dialogue import AccountEvent, Context, Engine, texts
from bot.protocol import Inbound
from town.alerts import TEXT as ALERTS
from town.alerts import noting_folds
from town.limits import too_fast

ACCOUNT_EVENTS = ("subscribe", "unsubscribe", "scan")


def respond(ctx: Context, engine: Engine, inbound: Inbound) -> str | None:
    """The reply text for a message, or None when nothing should be said."""
    if _by_hand(inbound):
        # Past the per-minute limit the message stays stored, but no handler runs and no cadre is alerted.
        past, reply = too_fast(ctx.sql, openid=inbound.openid, now=ctx.now, per_minute=ctx.settings.messages_per_minute)
        if past:
            return reply
    if inbound.msg_type == "event":
        return _respond_to_event(ctx, engine, inbound)
    if inbound.text:
        with noting_folds() as folded:
            reply = engine.converse(ctx, inbound.text)
        return _with_fold_note(reply, folded)
    if inbound.msg_type == "location":
        message = inbound.message
        location = AccountEvent("location", latitude=_float(message.location_x), longitude=_float(message.location_y))
        engine.on_event(ctx, location)
        return None
    return texts.MEDIA_UNSUPPORTED


def _by_hand(inbound: Inbound) -> bool:
    """A message or menu click the person sent (what MESSAGES_PER_MINUTE counts), not WeChat's own report."""
    return inbound.msg_type != "event" or inbound.event == "click"


def _respond_to_event(ctx: Context, engine: Engine, inbound: Inbound) -> str | None:
    event = inbound.event or ""
    if event in ACCOUNT_EVENTS:
        return engine.on_event(ctx, AccountEvent(event, key=inbound.event_key))
    if event == "click" and inbound.event_key:
        return engine.start_by_key(ctx, inbound.event_key)
    if event == "templatesendjobfinish":
        reports.template_finished(
            ctx.sql, msgid=_field(inbound.message, "id"), status=_field(inbound.message, "status"), now=ctx.now
        )
        return None
    if event == "masssendjobfinish":
        counts = {name: _field(inbound.message, name) for name in ("total_count", "sent_count", "error_count")}
        reports.mass_finished(
            ctx.sql,
            msgid=_field(inbound.message, "id"),
            status=_field(inbound.message, "status"),
            counts=counts,
            now=ctx.now,
        )
        return None
    if event == "location":
        message = inbound.message
        latitude, longitude = _float(getattr(message, "latitude", None)), _float(getattr(message, "longitude", None))
        engine.on_event(ctx, AccountEvent("location", latitude=latitude, longitude=longitude))
        return None
    # VIEW and events this service does not know: stored, acknowledged, nothing said.
    return None


def _with_fold_note(reply: str | None, folded: list[str]) -> str | None:
    """Past the per-person limit the sender is told, kindly, that their messages were gathered into one."""
    if not folded:
        return reply
    note = ALERTS.folded.format(who=ALERTS.folded_who)
    return f"{reply}\n\n{note}" if reply else note


def _field(message, name: str):
    """A field of wechatpy's event, or None when WeChat sent something unreadable there."""
    try:
        return getattr(message, name)
    except (TypeError, ValueError):
        return None


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None

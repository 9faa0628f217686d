"""Following, unfollowing, QR scans and locations: what a person does to the account itself."""

from __future__ import annotations

from bot.dialogue import AccountEvent, Context, texts
from bot.villages import VillageIndex
from models.person import mark_subscribed, mark_unsubscribed, update_profile

QR_SCENE_PREFIX = "qrscene_"


def on_subscribe(ctx: Context, event: AccountEvent) -> str:
    """Welcome a new follower; a village QR code registers their village (the engine adds 帮助)."""
    mark_subscribed(ctx.sql, person=ctx.person, now=ctx.now)
    lines = [texts.WELCOME]
    village = _scene_village(ctx.villages, event.key)
    if village is not None:
        update_profile(ctx.sql, person=ctx.person, village_id=village.id)
        lines.append(texts.WELCOME_VILLAGE.format(village=village.name))
    return "\n".join(lines)


def on_unsubscribe(ctx: Context, _event: AccountEvent) -> None:
    """The person unfollowed: mark them unreachable; keep everything they told us."""
    mark_unsubscribed(ctx.sql, person=ctx.person, now=ctx.now)


def on_scan(ctx: Context, event: AccountEvent) -> str | None:
    """A follower scanned a village QR code."""
    village = _scene_village(ctx.villages, event.key)
    if village is None:
        return None
    update_profile(ctx.sql, person=ctx.person, village_id=village.id)
    return texts.SCAN_VILLAGE.format(village=village.name)


def on_location(ctx: Context, event: AccountEvent) -> None:
    """WeChat reports the follower's location (every few seconds while they chat): keep the latest."""
    if event.latitude is not None and event.longitude is not None:
        update_profile(ctx.sql, person=ctx.person, latitude=event.latitude, longitude=event.longitude)


EVENTS = {"subscribe": on_subscribe, "unsubscribe": on_unsubscribe, "scan": on_scan, "location": on_location}


def _scene_village(villages: VillageIndex, event_key: str | None):
    if not event_key:
        return None
    return villages.by_name(event_key.removeprefix(QR_SCENE_PREFIX))

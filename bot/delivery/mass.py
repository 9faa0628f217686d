"""Broadcasts: one mass send for everyone whose monthly quota allows it; the rest go person by person.

A broadcast row carries `payload["broadcast"]` (its id). When it also carries `payload["tag_id"]`, the audience
is a whole village tag: one `sendall` by tag reaches it (the only mass send a subscription account has).
"""

from __future__ import annotations

import logging
from collections import defaultdict

from bot.wechat.errors import DAILY_QUOTA, WeChatError
from models.delivery import MASS, Recipient
from models.outbox import SENT, Claimed, Outcome
from town.settings import Settings

log = logging.getLogger(__name__)
BROADCAST = "broadcast"
MASS_SEND_MIN = 2  # WeChat's mass/send takes 2..10000 openids
MASS_SEND_MAX = 10_000


def send_broadcasts(
    rows: list[Claimed],
    recipients: dict[str, Recipient],
    transport,
    settings: Settings,
    paused: set[str],
    pauses: dict[str, int],
) -> tuple[list[Outcome], list[Claimed]]:
    """Mass-send each broadcast in the batch; returns the outcomes and the rows left for other channels."""
    if MASS in paused:
        return [], rows
    groups: dict[str, list[Claimed]] = defaultdict(list)
    for row in rows:
        groups[str(row.payload.get("broadcast") or row.text)].append(row)
    outcomes: list[Outcome] = []
    rest: list[Claimed] = []
    for key, group in groups.items():
        tag_id = group[0].payload.get("tag_id")
        if tag_id is not None:
            outcomes += _to_tag(group, tag_id, key, transport, pauses, rest)
            continue
        if settings.wechat_account_type != "service":
            rest.extend(group)  # mass send by openid list is for service accounts only
            continue
        eligible = [row for row in group if recipients[row.recipient_openid].mass_allowed()][:MASS_SEND_MAX]
        if MASS in pauses or len(eligible) < MASS_SEND_MIN:
            rest.extend(group)
            continue
        try:
            msgid = transport.mass_send(
                [row.recipient_openid for row in eligible], eligible[0].text, clientmsgid=f"{key}:{eligible[0].id}"
            )
        except WeChatError as exc:
            log.warning("mass send of broadcast %s refused: %s", key, exc)
            if exc.errcode in DAILY_QUOTA:
                pauses[MASS] = exc.errcode
            rest.extend(group)
            continue
        for row in eligible:
            recipients[row.recipient_openid].mass_this_month += 1
            outcomes.append(Outcome(row.id, SENT, channel=MASS, msgid=msgid, attempts=[(MASS, 0, "ok")]))
        rest.extend(row for row in group if row not in eligible)
    return outcomes, rest


def _to_tag(
    group: list[Claimed], tag_id: int, key: str, transport, pauses: dict[str, int], rest: list[Claimed]
) -> list[Outcome]:
    """One sendall to the village tag for the whole group (WeChat leaves out those over their quota)."""
    if MASS in pauses:
        rest.extend(group)
        return []
    try:
        msgid = transport.mass_send_tag(int(tag_id), group[0].text, clientmsgid=f"{key}:tag{tag_id}")
    except WeChatError as exc:
        log.warning("mass send of broadcast %s to tag %s refused: %s", key, tag_id, exc)
        if exc.errcode in DAILY_QUOTA:
            pauses[MASS] = exc.errcode
        rest.extend(group)
        return []
    return [Outcome(row.id, SENT, channel=MASS, msgid=msgid, attempts=[(MASS, 0, "ok")]) for row in group]

"""How a message leaves: the WeChat API, or in sandbox mode a recorder that answers like WeChat."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from dataclasses import dataclass

from bot.delivery.texts import READ_ALL
from bot.wechat.client import WeChatApi
from bot.wechat.wecom import WeComApi
from town import clock

log = logging.getLogger(__name__)
CUSTOM, TEMPLATE, SUBSCRIBE, WECOM = "custom", "template", "subscribe", "wecom"
KEYWORD_LIMIT = 20  # WeChat cuts template keyword values at 20 characters (since 2023)


@dataclass(frozen=True)
class Outgoing:
    """One message for one person on one channel."""

    openid: str
    title: str
    text: str
    created_at: dt.datetime
    template_id: str | None = None
    wecom_userid: str | None = None


def template_data(message: Outgoing, timezone: str) -> dict:
    """The three keywords of the town's notice template: 事项, 内容, 时间."""
    local = message.created_at.astimezone(clock.zone())
    content = _short(message.text)
    cut = content != _flat(message.text)
    title = message.title[: KEYWORD_LIMIT - len(READ_ALL)] + READ_ALL if cut else message.title[:KEYWORD_LIMIT]
    return {
        "keyword1": {"value": title},
        "keyword2": {"value": content},
        "keyword3": {"value": local.strftime("%m月%d日 %H:%M")},
    }


def template_card(title: str, text: str, created_at: dt.datetime) -> str:
    """What a template message shows its reader: the three keyword values, one per line."""
    data = template_data(Outgoing("", title, text, created_at), "")
    return "\n".join(value["value"] for value in data.values())


def _flat(text: str) -> str:
    return " ".join(text.split())


def _short(text: str) -> str:
    flat = _flat(text)
    return flat if len(flat) <= KEYWORD_LIMIT else flat[: KEYWORD_LIMIT - 1] + "…"


class WeChatTransport:
    """Sends through the WeChat API client (the only place the worker calls WeChat)."""

    def __init__(self, api: WeChatApi, timezone: str, wecom: WeComApi | None = None):
        self.api = api
        self.timezone = timezone
        self.wecom = wecom

    def send(self, channel: str, message: Outgoing) -> str | None:
        """Send; WeChat's msgid when it gives one. Raises WeChatError with WeChat's (or WeCom's) errcode."""
        if channel == WECOM and self.wecom is not None and message.wecom_userid:
            return self.wecom.send_text(message.wecom_userid, message.text)
        if channel == CUSTOM:
            self.api.call("custom/send", lambda c: c.message.send_text(message.openid, message.text))
            return None
        if channel == TEMPLATE:
            data = template_data(message, self.timezone)
            result = self.api.call(
                "template/send", lambda c: c.message.send_template(message.openid, message.template_id, data)
            )
            return str(result.get("msgid", "")) or None
        if channel == SUBSCRIBE:
            body = {
                "touser": message.openid,
                "template_id": message.template_id,
                "data": template_data(message, self.timezone),
            }
            self.api.call("subscribe/bizsend", lambda c: c.post("message/subscribe/bizsend", data=body))
            return None
        raise ValueError(f"unknown channel {channel}")

    def mass_send(self, openids: list[str], text: str, *, clientmsgid: str) -> str:
        """One mass send by openid list (payload written by hand: wechatpy's predates clientmsgid)."""
        body = {"touser": openids, "msgtype": "text", "text": {"content": text}, "clientmsgid": clientmsgid[:64]}
        result = self.api.call("mass/send", lambda c: c.post("message/mass/send", data=body))
        return str(result.get("msg_id", ""))

    def mass_send_tag(self, tag_id: int, text: str, *, clientmsgid: str) -> str:
        """One mass send to a tag; the filter is written by hand (wechatpy sends the legacy group_id)."""
        body = {
            "filter": {"is_to_all": False, "tag_id": tag_id},
            "msgtype": "text",
            "text": {"content": text},
            "clientmsgid": clientmsgid[:64],
        }
        result = self.api.call("mass/sendall", lambda c: c.post("message/mass/sendall", data=body))
        return str(result.get("msg_id", ""))


class SandboxTransport:
    """Sandbox mode: the same worker code up to here; the message is recorded, nothing leaves the machine.

    Its log says who got what length of message, never the text: texts carry names, phones and fevers.
    """

    def __init__(self):
        self._ids = itertools.count(1_000_000_001)  # WeChat's msgids are numbers

    def send(self, channel: str, message: Outgoing) -> str | None:
        log.info("sandbox %s to %s: %d characters", channel, message.openid, len(message.text))
        return str(next(self._ids)) if channel in (TEMPLATE, WECOM) else None

    def mass_send(self, openids: list[str], text: str, *, clientmsgid: str) -> str:
        log.info("sandbox mass send to %d people: %d characters", len(openids), len(text))
        return str(next(self._ids))

    def mass_send_tag(self, tag_id: int, text: str, *, clientmsgid: str) -> str:
        log.info("sandbox mass send to tag %s: %d characters", tag_id, len(text))
        return str(next(self._ids))

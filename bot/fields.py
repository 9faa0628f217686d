"""The fields of an inbound message, read strictly: each is a clean value or the message is refused.

Everything here raises FieldRefused (a ValueError), which the protocol answers with 400 for that message alone.
The limits are the columns' (models/inbound.py) and WeChat's own: nothing read here can fail later in the
database, where it would take down the other messages sharing its transaction.
"""

from __future__ import annotations

import functools
import math
import re

from wechatpy.fields import DateTimeField, FloatField, IntegerField
from wechatpy.messages import BaseMessage

# Longest accepted value per field, in characters. An openid is 28; WeChat caps a menu key at 128 bytes.
# The event dedupe key, "event:" + time + ":" + Event + ":" + EventKey, stays within its 200-character column.
MAX_LENGTH = {"FromUserName": 64, "ToUserName": 64, "MsgType": 32, "Event": 50, "EventKey": 128}
# Fields WeChat always sends as plain text: a nested element or an attribute there is not WeChat.
SCALARS = (
    "ToUserName",
    "FromUserName",
    "CreateTime",
    "MsgType",
    "MsgId",
    "Event",
    "EventKey",
    "Content",
    "Recognition",
    "Location_X",
    "Location_Y",
    "Latitude",
    "Longitude",
    "Precision",
)
DIGITS = re.compile(r"[0-9]{1,20}")
MAX_CREATE_TIME = 2**32 - 1  # WeChat's CreateTime is seconds in an unsigned 32-bit integer
MAX_MSG_ID = 2**64 - 1
# (field, lowest, highest) for the coordinates a location message or event carries.
COORDINATES = (
    ("Location_X", -90.0, 90.0),
    ("Location_Y", -180.0, 180.0),
    ("Latitude", -90.0, 90.0),
    ("Longitude", -180.0, 180.0),
    ("Precision", 0.0, 1e7),
)
TYPED = (IntegerField, FloatField, DateTimeField)


class FieldRefused(ValueError):
    """A field that is not what WeChat sends."""


def text(envelope: dict, name: str, *, required: bool = False) -> str | None:
    """A text field (None when absent), within its length limit."""
    value = envelope.get(name)
    if value is None:
        if required:
            raise FieldRefused(f"message lacks {name}")
        return None
    if not isinstance(value, str):
        raise FieldRefused(f"{name} is not plain text")
    if len(value) > MAX_LENGTH.get(name, len(value)):
        raise FieldRefused(f"{name} is longer than {MAX_LENGTH[name]} characters")
    return value


def create_time(envelope: dict) -> int:
    """CreateTime in seconds (0 when absent)."""
    value = text(envelope, "CreateTime")
    return 0 if value is None else _whole(value, "CreateTime", MAX_CREATE_TIME)


def check(envelope: dict, msg_type: str) -> None:
    """Refuse nested values, an unreadable MsgId and coordinates off the globe."""
    for name in SCALARS:
        text(envelope, name)
    if msg_type != "event" and envelope.get("MsgId") is not None:
        _whole(envelope["MsgId"], "MsgId", MAX_MSG_ID)
    for name, lowest, highest in COORDINATES:
        if envelope.get(name) is not None:
            _coordinate(envelope[name], name, lowest, highest)


def convert_all(message: BaseMessage) -> None:
    """Read every typed field wechatpy converts lazily (ints, floats, times), so none fails in a handler."""
    for name in _typed_fields(type(message)):
        getattr(message, name)


@functools.cache
def _typed_fields(message_class: type) -> tuple[str, ...]:
    return tuple(name for name, field in message_class._fields.items() if isinstance(field, TYPED))


def _whole(value: str, name: str, highest: int) -> int:
    if not DIGITS.fullmatch(value) or int(value) > highest:
        raise FieldRefused(f"{name} is not a whole number up to {highest}")
    return int(value)


def _coordinate(value: str, name: str, lowest: float, highest: float) -> None:
    try:
        number = float(value)
    except ValueError as exc:
        raise FieldRefused(f"{name} is not a number") from exc
    if not math.isfinite(number) or not lowest <= number <= highest:
        raise FieldRefused(f"{name} is outside {lowest}..{highest}")

"""Dates and times as villagers and cadres read them (8月5日, 8月5日10时, 8月5日10:30), in the town's time."""

from __future__ import annotations

import datetime as dt

from broadcasts.riskareas.entries import SHANGHAI

DAY = "{month}月{day}日"
HOUR = DAY + "{hour}时"
HOUR_MINUTE = HOUR + "{minute}分"
CLOCK = DAY + "{clock}"


def day(date: dt.date | None) -> str:
    """8月4日 (empty for no date)."""
    return DAY.format(month=date.month, day=date.day) if date else ""


def day_hour(moment: dt.datetime) -> str:
    """8月5日10时, or 8月5日10时30分: how a list's publication time is said."""
    local = moment.astimezone(SHANGHAI)
    template = HOUR_MINUTE if local.minute else HOUR
    return template.format(month=local.month, day=local.day, hour=local.hour, minute=local.minute)


def day_clock(moment: dt.datetime) -> str:
    """8月6日10:00: when something was seen or asked for."""
    local = moment.astimezone(SHANGHAI)
    return CLOCK.format(month=local.month, day=local.day, clock=local.strftime("%H:%M"))

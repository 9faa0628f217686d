"""WeChat's errcodes as the service reasons about them."""

from __future__ import annotations

TOKEN_INVALID = (40001, 40014, 42001)  # not latest / invalid (WeCom's) / expired: one forced refresh, one retry
SYSTEM_BUSY = -1
OUT_OF_WINDOW = 45015  # customer-service message outside the 48-hour window, or unfollowed
WINDOW_QUOTA = 45047  # customer-service quota for this window used up
USER_REFUSED = (43004, 43101)  # unfollowed / refused this kind of message
DAILY_QUOTA = (45009, 45028)  # API daily quota (45028: a subscription account's mass send for today)
NEXT_CHANNEL = (OUT_OF_WINDOW, WINDOW_QUOTA)
# WeCom: the userid is unknown (60111), or none of the recipients is valid or visible to the app (81013; also
# raised for a send that answers 0 but names the userid in `invaliduser`).
WECOM_UNREACHABLE = (60111, 81013)


class WeChatError(Exception):
    """WeChat answered with a non-zero errcode (or not at all: errcode None)."""

    def __init__(self, errcode: int | None, errmsg: str, *, attempts: int = 1):
        super().__init__(f"WeChat errcode {errcode}: {errmsg} (after {attempts} attempt(s))")
        self.errcode = errcode
        self.errmsg = errmsg
        self.attempts = attempts


class WeChatUnavailable(WeChatError):
    """No usable answer after the retries: timeouts, connection errors, 5xx or -1 system busy."""


# Web authorisation: the code is wrong, expired (5 minutes), used already, or missing.
BAD_AUTH_CODE = (40029, 40163, 41008)

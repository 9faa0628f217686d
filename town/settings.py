"""One settings class for the whole service, read from the environment or `.env`.

It sits at the bottom of the domain (`town`) because every layer above reads it; `models` takes what it needs
(the database URL) as arguments.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
SANDBOX_TOKEN = "xiangan-sandbox"
# The sandbox behaves as a service account with a notice template for every kind of message.
SANDBOX_TEMPLATE_IDS = "*=xiangan-sandbox-notice"
# The national risk lists and notices give their hours in Beijing time, wherever the town is.
OFFICIAL_TIMEZONE = "Asia/Shanghai"


class SettingsError(RuntimeError):
    """A configuration the service refuses to start with."""


class Settings(BaseSettings):
    """Every setting the service reads; names are a contract (DESIGN.md)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    wechat_token: str = SANDBOX_TOKEN
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_encoding_aes_key: str = ""
    # Which POSTs the webhook accepts: safe | compatible | plaintext; empty = safe with an AES key, else plaintext.
    wechat_message_mode: Literal["", "safe", "compatible", "plaintext"] = ""
    # Accept POSTs only from WeChat's callback addresses (cgi-bin/getcallbackip, refreshed daily).
    wechat_check_source_ip: bool = False
    # Reverse proxies in front of the service (addresses or networks, comma-separated): X-Forwarded-For is read
    # only through them.
    trusted_proxies: str = ""
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    wechat_account_type: Literal["service", "subscription"] = "service"
    wechat_connect_timeout_s: float = 3.0
    wechat_read_timeout_s: float = 10.0
    wechat_max_attempts: int = 4
    wechat_backoff_cap_s: float = 5.0
    # Template ids per message kind, "kind=id,kind=id" ("*" for any kind); empty = no such channel.
    wechat_template_ids: str = ""
    wechat_subscribe_template_ids: str = ""
    # WeCom (企业微信): an optional application that reaches cadres who linked their userid (empty = off).
    wecom_corp_id: str = ""
    wecom_agent_id: str = ""
    wecom_secret: str = ""
    wecom_api_base_url: str = "https://qyapi.weixin.qq.com"
    outbox_concurrency: int = 8
    outbox_worker: bool = True
    outbox_lease_s: float = 120.0
    # The scheduled jobs: run inside `serve` (or only in `python main.py scheduler`); one process holds the lease.
    scheduler: bool = True
    scheduler_lease_s: float = 30.0

    database_url: str = f"sqlite:///{DATA_DIR / 'xiangan.db'}"
    redis_url: str = ""
    spool_dir: Path = DATA_DIR / "spool"
    # How often a running server looks for spooled messages to replay once the database answers (0 = only at start).
    spool_replay_every_s: float = 3.0
    # Where the retention job archives old sent and handled messages (gzip JSON lines) before deleting them.
    archive_dir: Path = DATA_DIR / "archive"
    town_file: Path = DATA_DIR / "town.toml"
    policy_file: Path = DATA_DIR / "policy.toml"
    timezone: str = "Asia/Shanghai"
    # The official risk list, fetched on a schedule and imported when it changed (empty = off).
    risk_list_url: str = ""
    risk_list_fetch_min: float = 30.0
    # Household care (issue 6): the periodic jobs, and when what is late climbs to the next level.
    jobs_every_s: float = 60.0
    # Issue 13: a villager whose alert has not reached its cadre this many minutes later hears whom to phone.
    alert_follow_up_min: float = 5.0
    supply_accept_hours: float = 2.0
    supply_deliver_hours: float = 24.0
    checkin_remind_at: str = "08:00"
    checkin_second_at: str = "12:00"
    checkin_alert_at: str = "18:00"
    sampling_remind_at: str = "19:00"
    # Broadcasts (issue 7): the daily risk-list push (from this time, each new version once) and the dispatch brief.
    risk_push_at: str = "15:00"
    brief_at: str = "18:00"
    # Policy Q&A: the town's answers, and how sure a match must be (0-1) before it is sent instead of asking a cadre.
    faq_file: Path = DATA_DIR / "faq.toml"
    faq_min_score: float = 0.35

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "info"

    admin_username: str = ""
    admin_password: str = ""
    # Issue 16, the dashboard at /admin: how long a sign-in lasts, and the password throttle (failures within the
    # window, per user name and per address, before sign-in is refused for that name or address).
    admin_session_hours: float = 12.0
    admin_login_failures: int = 5
    admin_login_failures_per_address: int = 20
    admin_login_window_min: float = 15.0
    # How long the one-time link to set a dashboard password (sent in the chat on 「后台密码」) stays valid.
    admin_password_link_min: float = 30.0
    # The address people reach this service at (e.g. https://xiangan.example.org): links in the chat and the menu's
    # 后台 button. Empty = the address the request came to (and http://HOST:PORT in the chat).
    public_url: str = ""
    # WeChat's web authorisation page (snsapi_base); empty = https://open.weixin.qq.com, or the simulator's in sandbox.
    wechat_open_base_url: str = ""

    webhook_max_skew_s: int = 600
    webhook_max_body_bytes: int = 64 * 1024
    webhook_reply_deadline_s: float = 4.5
    conversation_ttl_min: int = 30
    # Issue 14: one person's flood, guessed invite codes, and the sandbox off loopback.
    messages_per_minute: int = 20  # past it a message is stored but not handled (0 = no limit)
    invite_wrong_per_hour: int = 5  # wrong 绑定 codes from one person before their 绑定 pauses for the hour
    invite_wrong_town_per_hour: int = 100  # wrong codes town-wide before every 绑定 pauses and the town is told
    simulator_password: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"TIMEZONE must be an IANA zone name such as {OFFICIAL_TIMEZONE}, got {value!r}") from exc
        return value

    @field_validator("wechat_encoding_aes_key")
    @classmethod
    def _aes_key_length(cls, value: str) -> str:
        if value and len(value) != 43:
            raise ValueError("WECHAT_ENCODING_AES_KEY must be the 43 characters shown on the WeChat console")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for item in _items(value):
            try:
                ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an IP address or network") from exc
        return value

    @model_validator(mode="after")
    def _mode_needs_key(self) -> Settings:
        if self.wechat_message_mode in ("safe", "compatible") and not self.wechat_encoding_aes_key:
            raise ValueError(f"WECHAT_MESSAGE_MODE={self.wechat_message_mode} needs WECHAT_ENCODING_AES_KEY")
        return self

    @property
    def message_mode(self) -> str:
        """The webhook's mode: as set, else safe when there is an AES key and plaintext when there is none."""
        return self.wechat_message_mode or ("safe" if self.wechat_encoding_aes_key else "plaintext")

    @property
    def proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """TRUSTED_PROXIES as networks."""
        return tuple(ip_network(item, strict=False) for item in _items(self.trusted_proxies))

    def template_id(self, kind: str, *, subscribe: bool = False) -> str | None:
        """The template (or subscribe-notification template) configured for a message kind."""
        if subscribe:
            raw = self.wechat_subscribe_template_ids
        else:
            raw = self.wechat_template_ids or (SANDBOX_TEMPLATE_IDS if self.sandbox else "")
        pairs = _template_pairs(raw)
        return pairs.get(kind) or pairs.get("*")

    @property
    def wecom(self) -> bool:
        """A WeCom application is configured: cadres who linked a userid are reached there first."""
        return bool(self.wecom_corp_id and self.wecom_agent_id and self.wecom_secret)

    @property
    def sandbox(self) -> bool:
        """No WeChat account configured: record outbound messages instead of sending them."""
        return not self.wechat_app_id

    def check_startable(self) -> None:
        """Refuse configurations that would be unsafe in production."""
        if not self.sandbox and self.wechat_token == SANDBOX_TOKEN:
            raise SettingsError(
                "WECHAT_APP_ID is set but WECHAT_TOKEN is still the sandbox default. "
                "Set WECHAT_TOKEN to the token entered on the WeChat console (基本配置 > 服务器配置)."
            )
        if not self.sandbox and not self.wechat_app_secret:
            raise SettingsError("WECHAT_APP_ID is set but WECHAT_APP_SECRET is empty.")


def check_serving_host(settings: Settings, host: str) -> None:
    """Refuse to open the sandbox (anyone may act as anyone in it) beyond this machine without a password."""
    if not settings.sandbox or is_loopback(host):
        return
    if not settings.simulator_password:
        raise SettingsError(
            f"sandbox mode (WECHAT_APP_ID empty) on HOST={host}: anyone who reaches it could read and act as "
            "everyone. Serve on 127.0.0.1, or set SIMULATOR_PASSWORD (and WECHAT_TOKEN) to open it to others."
        )
    if settings.wechat_token == SANDBOX_TOKEN:
        raise SettingsError(
            f"sandbox mode on HOST={host} with the public default WECHAT_TOKEN: anyone could sign messages to "
            "/wechat as anyone. Set WECHAT_TOKEN to a secret of your own."
        )


def is_loopback(host: str) -> bool:
    """Whether a HOST value listens on this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


@lru_cache(maxsize=16)
def _template_pairs(raw: str) -> dict[str, str]:
    """ "alert=ID,notice=ID" as a dict (parsed once per distinct setting)."""
    return dict(item.split("=", 1) for item in raw.replace(" ", "").split(",") if "=" in item)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings()

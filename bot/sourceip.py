"""WECHAT_CHECK_SOURCE_IP: POSTs to the webhook come from WeChat's callback addresses, or are refused.

The list comes from WeChat's API (cgi-bin/getcallbackip), fetched by each process at start and then daily; a
failed fetch keeps the last list. With no list yet (no account, WeChat out of reach) the check fails open with
a warning: a service that refused every message until WeChat answered would be worse than the signature alone.
Behind reverse proxies (TRUSTED_PROXIES) the source is the nearest X-Forwarded-For hop that is not one of them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from sqlalchemy import Engine

from bot.wechat import make_api
from town.settings import Settings

log = logging.getLogger(__name__)
Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address
REFRESH_EVERY_S = 24 * 3600.0
RETRY_AFTER_FAILURE_S = 300.0
WARN_EVERY_S = 60.0


class CallbackIps:
    """WeChat's callback addresses as last fetched, and the proxies whose X-Forwarded-For is believed."""

    def __init__(self, trusted_proxies: Iterable[Network] = ()):
        self.trusted = tuple(trusted_proxies)
        self._exact: frozenset[Address] | None = None
        self._ranges: tuple[Network, ...] = ()
        self._warned_at = -WARN_EVERY_S

    @property
    def ready(self) -> bool:
        """A list has been fetched."""
        return self._exact is not None

    def replace(self, ip_list: Iterable[str]) -> int:
        """Take a freshly fetched list (addresses, or networks as "a.b.c.d/n"); how many entries were usable."""
        networks = []
        for item in ip_list:
            try:
                networks.append(ip_network(str(item).strip(), strict=False))
            except ValueError:
                log.warning("WeChat's callback IP list has an entry that is not an address: %r", item)
        self._ranges = tuple(n for n in networks if n.num_addresses > 1)
        self._exact = frozenset(n.network_address for n in networks if n.num_addresses == 1)
        return len(networks)

    def source(self, peer: str | None, forwarded_for: str | None) -> Address | None:
        """Who sent the request: the peer, or behind trusted proxies the nearest untrusted forwarded hop."""
        address = _address(peer)
        if address is None or not self._trusted(address) or not forwarded_for:
            return address
        for hop in reversed(forwarded_for.split(",")):
            hop_address = _address(hop.strip())
            if hop_address is None:
                return None  # a garbled hop: nobody can say who is behind it
            if not self._trusted(hop_address):
                return hop_address
        return address

    def allows(self, peer: str | None, forwarded_for: str | None) -> bool:
        """Whether the request comes from WeChat; True (with a warning) while no list was ever fetched."""
        if self._exact is None:
            self._warn_open()
            return True
        address = self.source(peer, forwarded_for)
        if address is None:
            return False
        return address in self._exact or any(address in network for network in self._ranges)

    def _trusted(self, address: Address) -> bool:
        return any(address in network for network in self.trusted)

    def _warn_open(self) -> None:
        if time.monotonic() - self._warned_at >= WARN_EVERY_S:
            self._warned_at = time.monotonic()
            log.warning("WECHAT_CHECK_SOURCE_IP: WeChat's callback IP list is not fetched yet; not checking sources")


def _address(text: str | None) -> Address | None:
    try:
        return ip_address(text) if text else None
    except ValueError:
        return None


class Refresher:
    """Fetches the list now, then daily (every few minutes while fetches fail); a failure keeps the last list."""

    def __init__(self, ips: CallbackIps, fetch: Callable[[], list[str]]):
        self.ips = ips
        self.fetch = fetch

    def run_once(self) -> bool:
        """One fetch; whether it succeeded."""
        try:
            ip_list = self.fetch()
        except Exception:  # noqa: BLE001 (whatever WeChat or the network did, the last list stays)
            kept = "the last list is kept" if self.ips.ready else "sources stay unchecked until a fetch succeeds"
            log.exception("could not fetch WeChat's callback IP list; %s", kept)
            return False
        count = self.ips.replace(ip_list)
        log.info("WeChat's callback IP list fetched: %d entries", count)
        return True

    def run_forever(self, stop: threading.Event) -> None:
        """Until the event is set."""
        wait = REFRESH_EVERY_S if self.run_once() else RETRY_AFTER_FAILURE_S
        while not stop.wait(wait):
            wait = REFRESH_EVERY_S if self.run_once() else RETRY_AFTER_FAILURE_S


def start_for(settings: Settings, db: Engine, ips: CallbackIps) -> tuple[threading.Thread, threading.Event] | None:
    """The refresher for this account (None in sandbox mode: there is no WeChat to ask, so nothing is checked)."""
    if settings.sandbox:
        log.warning("WECHAT_CHECK_SOURCE_IP is on but there is no WeChat account (sandbox): sources are not checked")
        return None
    return start_in_thread(ips, make_api(settings, db).callback_ips)


def start_in_thread(ips: CallbackIps, fetch: Callable[[], list[str]]) -> tuple[threading.Thread, threading.Event]:
    """Fetch in the background now and daily; the thread and the event that stops it."""
    stop = threading.Event()
    refresher = Refresher(ips, fetch)
    thread = threading.Thread(target=refresher.run_forever, args=(stop,), name="callback-ips", daemon=True)
    thread.start()
    return thread, stop

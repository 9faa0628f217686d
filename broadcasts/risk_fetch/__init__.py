"""RISK_LIST_URL: fetch the official list (conditional GET), import it when it changed, then re-classify.

A scheduled job (LONG class) run by the one scheduler every RISK_LIST_FETCH_MIN minutes, never by web workers:
they see a new version through their list watcher (bot.risk), so N workers do not fetch and re-classify N times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

from broadcasts.risk_fetch.texts import TEXT
from broadcasts.scheduler import own_transactions
from models.db import transaction
from models.riskarea import RiskListSource, list_source, record_fetch
from town.policy import PolicyError, load_policy
from town.reclassify import Summary, ingest
from town.riskareas.entries import RiskListError
from town.riskareas.store import ImportResult, diff, format_import, parse_content
from town.settings import Settings

log = logging.getLogger(__name__)
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_BYTES = 20 * 1024 * 1024  # the national list is well under 1 MB; anything this big is not it
IMPORTED, UNCHANGED, NOT_MODIFIED, FAILED = "imported", "unchanged", "not_modified", "failed"


class FetchError(RuntimeError):
    """The address answered, but not with a list."""


@dataclass
class FetchOutcome:
    """What one fetch did."""

    status: str
    result: ImportResult | None = None
    summary: Summary | None = None
    error: str | None = None

    @property
    def imported(self) -> bool:
        return self.status == IMPORTED


def fetch_risk_list(settings: Settings, db: Engine, now: dt.datetime) -> FetchOutcome:
    """The job: fetch RISK_LIST_URL once, import a new version and re-classify; errors are recorded, not raised."""
    url = settings.risk_list_url
    try:
        source = _source(db, url)
        outcome, validators = _fetch_and_import(settings, db, source, now)
        _record(db, url, now=now, changed=outcome.imported, error=None, **validators)
        return outcome
    except (httpx.HTTPError, FetchError, RiskListError, PolicyError) as exc:
        return _failed(db, url, now, str(exc) or type(exc).__name__)
    except Exception as exc:  # a scheduled job must outlive any surprise; the row says what happened
        log.exception("risk list fetch from %s failed", url)
        return _failed(db, url, now, f"{type(exc).__name__}: {exc}")


def _fetch_and_import(settings: Settings, db: Engine, source: RiskListSource, now: dt.datetime):
    """The outcome, and the validators to keep for the next conditional GET."""
    status, content, headers = _get(source)
    if status == 304:
        keep = {"etag": source.etag, "last_modified": source.last_modified, "checksum": source.checksum}
        return FetchOutcome(NOT_MODIFIED), keep
    validators = {
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
        "checksum": hashlib.sha256(content).hexdigest(),
    }
    if validators["checksum"] == source.checksum:  # a server without conditional GET sent the same bytes
        return FetchOutcome(UNCHANGED), validators
    parsed = parse_content(_decode(content), source.url)
    result, summary = ingest(db, parsed, policy=load_policy(settings.policy_file), now=now, progress=_progress)
    return FetchOutcome(IMPORTED if result.created else UNCHANGED, result, summary), validators


def _progress(done: int, total: int) -> None:
    log.info("re-classified %d of %d active declarations", done, total)


def _get(source: RiskListSource) -> tuple[int, bytes, httpx.Headers]:
    """GET with the stored validators; the body is read up to MAX_BYTES."""
    headers = {"User-Agent": "xiangan-risk-list/1"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    with (
        httpx.Client(timeout=TIMEOUT, follow_redirects=True) as client,
        client.stream("GET", source.url, headers=headers) as response,
    ):
        if response.status_code == 304:
            return 304, b"", response.headers
        if response.status_code != 200:
            raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_BYTES:
                raise FetchError(f"larger than {MAX_BYTES} bytes")
        return 200, bytes(body), response.headers


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, as Chinese government sites still serve."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FetchError("neither UTF-8 nor GB18030 text") from exc


def _source(db: Engine, url: str) -> RiskListSource:
    """The row for this address, created on first use (by whichever process gets there first)."""
    with transaction(db) as session:
        return list_source(session, url=url)


def _record(db: Engine, url: str, *, now: dt.datetime, changed: bool, error: str | None, **validators) -> None:
    with transaction(db) as session:
        record_fetch(session, url=url, now=now, changed=changed, error=error, validators=validators)


def _failed(db: Engine, url: str, now: dt.datetime, error: str) -> FetchOutcome:
    """Log and keep the error on the source row (the old validators stay: the next run tries again)."""
    log.warning("risk list fetch from %s failed: %s", url, error)
    try:
        _record(db, url, now=now, changed=False, error=error[:1000])
    except Exception:
        log.exception("could not record the failed fetch of %s", url)
    return FetchOutcome(FAILED, error=error)


def report(db: Engine, outcome: FetchOutcome) -> list[str]:
    """Lines for the operator: what was fetched, what changed, what the re-classification did."""
    if outcome.status == FAILED:
        return [TEXT.failed.format(error=outcome.error)]
    if outcome.status == NOT_MODIFIED:
        return [TEXT.not_modified]
    if outcome.result is None:
        return [TEXT.unchanged]
    result = outcome.result
    changes = diff(db, result.previous_id, result.list_id) if result.created and result.previous_id else None
    lines = format_import(result, changes)
    return [*lines, outcome.summary.line()] if outcome.summary else lines


@own_transactions
def job(db: Engine, now: dt.datetime, settings: Settings) -> int:
    """The scheduled fetch (only the lease holder runs it, never a web worker): 1 when a new version came in."""
    return int(fetch_risk_list(settings, db, now).imported)

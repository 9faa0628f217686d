"""/admin/risk: list versions, the diff between any two, the upload with the import's report, staleness, policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from admin.web.ops.common import Seen, actor, ids, town_only, when
from admin.web.ops_texts import RISK as TEXT
from admin.web.render import render
from admin.web.security import Upload, read_files, require_csrf
from admin.web.viewer import Viewer
from broadcasts.risk_stale import note as stale_note
from models.audit import record_action
from models.db import transaction, utcnow
from models.riskarea import list_versions, version_exists
from models.sql import Sql
from town import clock
from town.policy import Policy, PolicyError, load_policy
from town.policy.rules import FROM_ENTRY
from town.reclassify import ingest
from town.riskareas import RiskListError, diff_entries, format_import, parse_content
from town.riskareas.store import SHOWN, read_entries

router = APIRouter()
TIME_FIRST = ("within_days",)
VERSIONS_SHOWN = 30


@dataclass
class Report:
    """What an upload did: refused lines, header-count warnings, the import's lines."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@router.get("/risk", response_class=HTMLResponse)
def risk_page(request: Request, viewer: Seen) -> HTMLResponse:
    """Versions, the chosen diff, the stale warning, the policy; the upload form for the town."""
    return _page(request, viewer, None, status=200)


@router.post("/risk/upload", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def upload(
    request: Request, viewer: Seen, files: Annotated[dict[str, list[Upload]], Depends(read_files)]
) -> HTMLResponse:
    """Run the same import as `import-risk-list` on the file and show its report (town only, audited)."""
    town_only(viewer)
    report = Report()
    file = next(iter(files.get("file", [])), None)
    if file is None or not file.content:
        report.errors.append(TEXT.no_file)
        return _page(request, viewer, report, status=422)
    name = (file.filename or TEXT.file)[:200]
    try:
        text = file.content.decode("utf-8-sig")
        parsed = parse_content(text, name)
    except UnicodeDecodeError:
        parsed, report.errors = None, [TEXT.error_line.format(line=1, message=TEXT.not_utf8)]
    except RiskListError as exc:
        parsed, report.errors = None, [TEXT.error_line.format(line=n, message=m) for n, m in exc.errors]
    if parsed is None:
        return _page(request, viewer, report, status=422)
    report.warnings = [TEXT.error_line.format(line=n, message=m) for n, m in parsed.warnings]

    def audited(session, result) -> None:
        counts = TEXT.counts.format(high=result.counts["high"], medium=result.counts["medium"])
        status = TEXT.audit_new if result.created else TEXT.audit_same
        after = {"file": name, "version": f"#{result.list_id}", "status": status, "counts": counts}
        before = {"version": f"#{result.previous_id}" if result.previous_id else None}
        record_action(session, actor=actor(viewer), action="import_risk_list", target=f"risk_list:{result.list_id}",
                      before=before, after=after)  # fmt: skip

    result, summary = ingest(request.app.state.db, parsed, policy=_policy(request)[0], now=utcnow(), on_store=audited)
    with transaction(request.app.state.db) as session:
        sql = Sql(session.connection())
        changes = None
        if result.created and result.previous_id:
            changes = diff_entries(read_entries(sql, result.previous_id), read_entries(sql, result.list_id))
    report.lines = format_import(result, changes) + ([summary.line()] if summary else [])
    return _page(request, viewer, report, status=200)


def _page(request: Request, viewer: Viewer, report: Report | None, *, status: int) -> HTMLResponse:
    query = request.query_params
    with transaction(request.app.state.db) as session:
        sql = Sql(session.connection())
        versions = list_versions(sql, limit=VERSIONS_SHOWN)
        old, new = ids(query.get("old")), ids(query.get("new"))
        if old is None and new is None and len(versions) > 1:
            old, new = versions[1][0], versions[0][0]
        changes = _diff(sql, old, new) if old is not None and new is not None else None
        _, stale = stale_note(sql, utcnow(), request.app.state.settings)
    policy, policy_error = _policy(request)
    response = render(
        request, "ops/risk.html", viewer, T=TEXT, versions=[_version(row) for row in versions], old=old, new=new,
        changes=changes, shown=SHOWN, stale=stale, policy=policy, rules=_rules(policy), policy_error=policy_error,
        report=report, may_upload=viewer.town_wide,
    )  # fmt: skip
    response.status_code = status
    return response


def _diff(sql: Sql, old: int, new: int):
    if not (version_exists(sql, list_id=old) and version_exists(sql, list_id=new)):
        raise HTTPException(404)
    return diff_entries(read_entries(sql, old), read_entries(sql, new))


def _version(row: tuple) -> dict:
    list_id, source, published, imported, high, medium, _low = row
    published_at = clock.day_hour(published) if published else TEXT.unknown_time
    return {"id": list_id, "source": source, "published": published_at, "imported": when(imported),
            "counts": TEXT.counts.format(high=high, medium=medium)}  # fmt: skip


def _policy(request: Request) -> tuple[Policy | None, str]:
    try:
        return load_policy(request.app.state.settings.policy_file), ""
    except PolicyError as exc:
        return None, TEXT.policy_unreadable.format(error=exc)


def _rules(policy: Policy | None) -> list[tuple[str, str]]:
    """Each rule as (condition, what follows), in Chinese."""
    if policy is None:
        return []
    out = []
    for rule in policy.rules:
        keys = sorted(rule.when, key=lambda key: key not in TIME_FIRST)  # 「14天内去过高风险地区」
        parts = [_condition(key, rule.when[key]) for key in keys]
        follows = rule.disposition + (TEXT.policy_days.format(days=rule.days) if rule.days else "")
        if rule.home_days:
            follows += TEXT.home_days.format(days=rule.home_days)
        if rule.counted_from == FROM_ENTRY:
            follows += TEXT.from_entry
        out.append((TEXT.condition_join.join(parts) or TEXT.otherwise, follows))
    return out


def _condition(key: str, value) -> str:
    if key == "health_code":
        value = "、".join(TEXT.codes.get(code, code) for code in value)
    elif key == "level":
        value = TEXT.levels.get(value, value)
    return TEXT.conditions.get(key, key).format(value=value)

"""The town's web dashboard at /admin: server-rendered pages (FastAPI + Jinja2 + htmx), one module per page family.

`install(app)` is all the app needs: the router, the static files and the error pages.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def build_router() -> APIRouter:
    """Every dashboard page under /admin, in a fixed order."""
    from admin.web import audit, ledgers, ops, password, people, signin, today, todo, wechat

    router = APIRouter(prefix="/admin", include_in_schema=False)
    for module in (signin, wechat, password, today, todo, ledgers, people, ops, audit):
        router.include_router(module.router)
    return router


def install(app: FastAPI) -> None:
    """Include the dashboard in the app: pages, /admin/static, sign-in redirects and Chinese error pages."""
    from admin.web.viewer import SignInRequired

    app.include_router(build_router())
    app.mount("/admin/static", StaticFiles(directory=str(STATIC_DIR)), name="admin-static")
    app.add_exception_handler(SignInRequired, _to_signin)
    app.add_exception_handler(StarletteHTTPException, _error_page)
    app.add_exception_handler(RequestValidationError, _bad_address)


async def _to_signin(request: Request, exc: Exception) -> Response:
    """No session: to the sign-in page (htmx follows HX-Redirect), coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    why = "&why=no_role" if getattr(exc, "reason", "") == "no_role" else ""
    location = f"/admin/signin?next={quote(target, safe='')}{why}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


async def _error_page(request: Request, exc: StarletteHTTPException) -> Response:
    """A dashboard 403 or 404 reads in Chinese; everything else keeps FastAPI's answer."""
    if not request.url.path.startswith("/admin/") or exc.status_code not in (403, 404):
        return await http_exception_handler(request, exc)
    from admin.web import texts
    from admin.web.render import render

    message = texts.ERRORS.not_found if exc.status_code == 404 else texts.ERRORS.forbidden
    viewer = getattr(request.state, "viewer", None)
    return render(request, "error.html", viewer, message=message, status_code=exc.status_code)


async def _bad_address(request: Request, exc: RequestValidationError) -> Response:
    """A dashboard address with a malformed part (/admin/people/abc) is a page not found, not FastAPI's JSON."""
    if not request.url.path.startswith("/admin/") or request.method != "GET":
        return await request_validation_exception_handler(request, exc)
    return await _error_page(request, StarletteHTTPException(status_code=404))

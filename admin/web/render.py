"""One Jinja2 environment for the dashboard's pages (autoescaped), and the response headers every page carries.

Pages run under a Content-Security-Policy that allows scripts from /admin/static only: no inline <script>, no
on* attributes. Pass data to a page's script in a `<script type="application/json">` block or data-* attributes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup, escape

from admin.web import texts
from admin.web.nav import is_current, nav_for
from admin.web.viewer import Viewer

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC_PREFIX = "/admin/static/"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@pass_context
def csrf_input(context) -> Markup:
    """The hidden CSRF field every form carries."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(context.get("csrf_token") or "")


def static(path: str) -> str:
    """The address of a file under admin/static/."""
    return STATIC_PREFIX + path.lstrip("/")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The dashboard's Jinja2 environment, built once."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(csrf_input=csrf_input, static=static, texts=texts, is_current=is_current)
    env.filters["escape_text"] = escape
    return env


def render(request: Request, template: str, viewer: Viewer | None, **context) -> HTMLResponse:
    """A page from admin/templates/ with the frame's context (viewer, nav, CSRF token); `status_code=` optional."""
    status_code = context.pop("status_code", 200)
    values = {
        "request": request,
        "viewer": viewer,
        "nav": nav_for(viewer),
        "path": request.url.path,
        "csrf_token": context.pop("csrf_token", None) or getattr(request.state, "csrf_token", ""),
        **context,
    }
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=HEADERS)

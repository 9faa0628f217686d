"""CSRF checks, form reading, cookie flags and the caller's address for the dashboard.

Forms are read here, urlencoded and multipart alike (the standard library's email parser), so that the dashboard
needs no multipart package: `read_form` for the fields, `read_files` for uploaded files.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from ipaddress import ip_address
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request, Response

from admin.web.viewer import COOKIE, current_viewer

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"
MAX_FORM_BYTES = 256 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file sent with a multipart form."""

    filename: str
    content_type: str
    content: bytes


async def read_form(request: Request) -> dict[str, str]:
    """The posted form's fields (the last value of a repeated name; see read_form_lists for all of them)."""
    return {key: values[-1] for key, values in (await read_form_lists(request)).items()}


async def read_form_lists(request: Request) -> dict[str, list[str]]:
    """The posted form's fields, every value of each name (cached on the request)."""
    cached = getattr(request.state, "form_lists", None)
    if cached is not None:
        return cached
    fields: dict[str, list[str]] = {}
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == FORM_TYPE:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413)
        for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            fields.setdefault(key, []).append(value)
    elif kind == MULTIPART_TYPE:
        files: dict[str, list[Upload]] = {}
        for name, filename, content_type, content in await _multipart_parts(request):
            if filename is None:
                fields.setdefault(name, []).append(content.decode("utf-8", "replace"))
            else:
                files.setdefault(name, []).append(Upload(filename, content_type, content))
        request.state.files = files
    request.state.form_lists = fields
    return fields


async def read_files(request: Request) -> dict[str, list[Upload]]:
    """The files of a multipart form, by field name (an empty file input gives a file named "" with no content)."""
    await read_form_lists(request)
    return getattr(request.state, "files", {})


async def _multipart_parts(request: Request) -> list[tuple[str, str | None, str, bytes]]:
    """(name, filename or None, content type, content) of each part of a multipart/form-data body."""
    body = await request.body()
    if len(body) > MAX_UPLOAD_BYTES:
        raise HTTPException(413)
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise HTTPException(400)
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        filename = part.get_param("filename", header="content-disposition")
        parts.append((name, filename, part.get_content_type(), part.get_payload(decode=True) or b""))
    return parts


async def require_csrf(request: Request) -> None:
    """Every POST's dependency: the session's CSRF token, in the form field or the htmx header, or 403."""
    current_viewer(request)  # no session: the sign-in page, not a bare 403
    expected = getattr(request.state, "csrf_token", "")
    given = request.headers.get(CSRF_HEADER) or (await read_form(request)).get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403)


def is_https(request: Request) -> bool:
    """The browser reached us over HTTPS: directly, or through one of TRUSTED_PROXIES saying so."""
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return forwarded == "https" and _from_trusted_proxy(request)


def client_address(request: Request) -> str:
    """The caller's address: the peer, or behind TRUSTED_PROXIES the nearest forwarded hop that is not one."""
    peer = request.client.host if request.client else ""
    if not _from_trusted_proxy(request):
        return peer
    networks = request.app.state.settings.proxy_networks
    for hop in reversed(request.headers.get("x-forwarded-for", "").split(",")):
        try:
            address = ip_address(hop.strip())
        except ValueError:
            return peer
        if not any(address in network for network in networks):
            return str(address)
    return peer


def _from_trusted_proxy(request: Request) -> bool:
    try:
        peer = ip_address(request.client.host) if request.client else None
    except ValueError:
        return False
    return peer is not None and any(peer in network for network in request.app.state.settings.proxy_networks)


def set_session_cookie(request: Request, response: Response, token: str, max_age_s: int) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, for /admin only."""
    response.set_cookie(
        COOKIE, token, max_age=max_age_s, path="/admin", httponly=True, samesite="lax", secure=is_https(request)
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    """Sign out in the browser."""
    response.delete_cookie(COOKIE, path="/admin", httponly=True, samesite="lax", secure=is_https(request))

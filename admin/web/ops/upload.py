"""A file posted as multipart/form-data, read with the standard library (the dashboard has no multipart parser).

`read_upload` runs before `require_csrf`: it fills the request's form cache (security.read_form_lists) with the
text fields, so the CSRF check reads the token from the same form as the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

from fastapi import HTTPException, Request

from admin.web.viewer import current_viewer

MAX_BYTES = 5 * 1024 * 1024  # the national list as text is well under a megabyte


@dataclass(frozen=True)
class Upload:
    """One posted file: its name as the browser sent it and its bytes."""

    filename: str
    content: bytes


async def read_upload(request: Request) -> dict[str, Upload]:
    """The files of a multipart form by field name; text fields go into the form cache."""
    cached = getattr(request.state, "uploads", None)
    if cached is not None:
        return cached
    content_type = request.headers.get("content-type", "")
    fields: dict[str, list[str]] = {}
    files: dict[str, Upload] = {}
    current_viewer(request)  # nobody signed in: the sign-in page, before a byte of the body is read
    if content_type.split(";")[0].strip().lower() == "multipart/form-data":
        body = await _body(request)
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
        for part in message.iter_parts() if message.is_multipart() else ():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if not name:
                continue
            if part.get_filename() is not None:
                files[name] = Upload(part.get_filename(), payload)
            else:
                fields.setdefault(name, []).append(payload.decode("utf-8", "replace"))
    request.state.form_lists = fields
    request.state.uploads = files
    return files


async def _body(request: Request) -> bytes:
    """The body, refused with 413 as soon as it is longer than MAX_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise HTTPException(413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise HTTPException(413)
        chunks.append(chunk)
    return b"".join(chunks)

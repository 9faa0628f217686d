"""The dashboard reads its forms itself: urlencoded and multipart fields, uploaded files, and the CSRF field in both."""

from __future__ import annotations

import anyio
import httpx
from fastapi import Depends, FastAPI, Request

from admin.web.security import read_files, read_form, read_form_lists
from models.db import transaction
from tests.support.dashboard import csrf_of, make_admin, signed_in


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request, form: dict = Depends(read_form)) -> dict:  # noqa: B008
        files = await read_files(request)
        uploads = {name: [(f.filename, f.content_type, f.content.decode()) for f in got] for name, got in files.items()}
        return {"form": form, "lists": await read_form_lists(request), "files": uploads}

    return app


def post(**kwargs) -> dict:
    async def send() -> dict:
        transport = httpx.ASGITransport(app=echo_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return (await client.post("/echo", **kwargs)).json()

    return anyio.run(send)


def test_urlencoded_fields_keep_every_value_of_a_name():
    answer = post(content="a=1&b=%E4%BD%A0%E5%A5%BD&a=2&empty=", headers={"content-type": FORM})
    assert answer["form"] == {"a": "2", "b": "你好", "empty": ""}
    assert answer["lists"]["a"] == ["1", "2"] and answer["files"] == {}


def test_multipart_fields_and_files_with_chinese_names():
    answer = post(
        data={"csrf_token": "t", "note": "风险地区"},
        files={"list": ("风险地区名单.csv", "省,市\n河南省,郑州市\n".encode(), "text/csv")},
    )
    assert answer["form"] == {"csrf_token": "t", "note": "风险地区"}
    assert answer["files"] == {"list": [["风险地区名单.csv", "text/csv", "省,市\n河南省,郑州市\n"]]}


def test_a_multipart_post_carries_its_csrf_token_in_a_field(server):
    with transaction(server.state.db) as session:
        make_admin(session, username="clerk", password="correct horse")
    client = signed_in(server.url, "clerk", "correct horse")
    token = client.headers.pop("X-CSRF-Token")
    assert client.post("/admin/signout", files={"x": ("a.txt", b"a")}, data={"csrf_token": "no"}).status_code == 403
    out = client.post("/admin/signout", files={"x": ("a.txt", b"a")}, data={"csrf_token": token})
    assert out.status_code == 303
    assert csrf_of(client.get("/admin/signin").text)


FORM = "application/x-www-form-urlencoded"

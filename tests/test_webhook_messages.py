"""Every message and event type WeChat sends: parsed, stored before handling, answered sensibly."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import sandbox
from models.db import transaction
from models.inbound import InboundMessage
from models.person import Person
from models.town import Village


def stored(server, openid: str) -> list[InboundMessage]:
    with transaction(server.state.db) as session:
        return list(
            session.execute(
                select(InboundMessage).where(InboundMessage.openid == openid).order_by(InboundMessage.id)
            ).scalars()
        )


def person(server, openid: str) -> Person:
    with transaction(server.state.db) as session:
        return session.execute(select(Person).where(Person.openid == openid)).scalar_one()


def village_of(server, openid: str) -> str | None:
    with transaction(server.state.db) as session:
        found = session.execute(
            select(Village.name).join(Person, Person.village_id == Village.id).where(Person.openid == openid)
        ).scalar_one_or_none()
        return found


def test_text_is_stored_with_who_when_type_and_text(server):
    client = server.client("t-text")
    client.say("帮助")
    [row] = stored(server, "t-text")
    assert (row.msg_type, row.text, row.status) == ("text", "帮助", "handled")
    assert row.dedupe_key.startswith("msg:") and row.received_at and row.wechat_time
    assert "我的信息" in row.reply


def test_voice_recognition_is_treated_as_text(server):
    client = server.client("t-voice")
    reply = client.reply_of(
        client.post_xml(sandbox.message_xml("t-voice", "voice", MediaId="m1", Format="amr", Recognition="我的信息"))
    )
    assert "名字" in reply
    assert stored(server, "t-voice")[0].text == "我的信息"


def test_voice_without_recognition_asks_for_text(server):
    client = server.client("t-voice2")
    reply = client.reply_of(client.post_xml(sandbox.message_xml("t-voice2", "voice", MediaId="m1", Format="amr")))
    assert "文字" in reply


@pytest.mark.parametrize(
    "msg_type, fields",
    [
        ("image", {"PicUrl": "http://example.invalid/a.jpg", "MediaId": "m"}),
        ("video", {"MediaId": "m", "ThumbMediaId": "t"}),
        ("shortvideo", {"MediaId": "m", "ThumbMediaId": "t"}),
        ("link", {"Title": "通知", "Description": "d", "Url": "http://example.invalid"}),
        ("file", {"Title": "a.pdf", "FileKey": "k"}),
        ("miniprogrampage", {"Title": "x"}),
    ],
)
def test_media_and_unknown_types_are_stored_and_answered(server, msg_type, fields):
    openid = f"t-{msg_type}"
    client = server.client(openid)
    reply = client.reply_of(client.post_xml(sandbox.message_xml(openid, msg_type, **fields)))
    assert "文字和语音" in reply
    [row] = stored(server, openid)
    assert row.msg_type == msg_type and msg_type in row.raw


def test_location_message_keeps_the_latest_position(server):
    client = server.client("t-loc")
    response = client.post_xml(
        sandbox.message_xml("t-loc", "location", Location_X="34.4", Location_Y="112.4", Scale="15", Label="鸣皋镇")
    )
    assert client.reply_of(response) is None and response.text == "success"
    assert (person(server, "t-loc").latitude, person(server, "t-loc").longitude) == (34.4, 112.4)


def test_subscribe_welcomes_and_explains(server):
    reply = server.client("t-sub").event("subscribe")
    assert "欢迎" in reply and "我的信息" in reply
    first = next(line for line in reply.split("\n") if line.startswith("· "))
    assert first.startswith("· 发「发烧报告」")  # the urgent one first, for a reader who stops early
    assert person(server, "t-sub").subscribed is True


def test_subscribe_by_village_qr_code_sets_the_village(server):
    reply = server.client("t-subqr").event("subscribe", "qrscene_孙村", Ticket="t")
    assert "孙村" in reply
    assert village_of(server, "t-subqr") == "孙村"


def test_unsubscribe_marks_unreachable_and_deletes_nothing(server):
    client = server.client("t-unsub")
    client.say("帮助")
    assert client.event("unsubscribe") is None
    someone = person(server, "t-unsub")
    assert someone.subscribed is False and someone.unsubscribed_at is not None
    assert len(stored(server, "t-unsub")) == 2
    assert client.event("subscribe") and person(server, "t-unsub").subscribed is True


def test_scan_of_a_village_code_by_a_follower(server):
    assert "鸣皋村" in server.client("t-scan").event("SCAN", "鸣皋村", Ticket="t")
    assert village_of(server, "t-scan") == "鸣皋村"


def test_scan_of_an_unknown_code_is_silent(server):
    assert server.client("t-scan2").event("SCAN", "12345", Ticket="t") is None


def test_click_of_an_unknown_menu_key_says_it_is_not_ready(server):
    assert "准备中" in server.client("t-click").event("CLICK", "NO_SUCH_KEY")


def test_location_event_is_stored_silently(server):
    client = server.client("t-locev")
    assert client.event("LOCATION", Latitude="34.41", Longitude="112.43", Precision="30") is None
    assert person(server, "t-locev").latitude == pytest.approx(34.41)


@pytest.mark.parametrize(
    "event, extra",
    [
        ("VIEW", {}),
        ("TEMPLATESENDJOBFINISH", {"MsgID": "200163836", "Status": "success"}),
        (
            "MASSSENDJOBFINISH",
            {
                "MsgID": "1000001625",
                "Status": "send success",
                "TotalCount": "100",
                "FilterCount": "100",
                "SentCount": "99",
                "ErrorCount": "1",
            },
        ),
        ("subscribe_msg_popup_event", {}),
        ("some_future_event", {}),
    ],
)
def test_silent_events_are_acknowledged_and_stored(server, event, extra):
    openid = f"t-{event.lower()}"
    client = server.client(openid)
    response = client.post_xml(sandbox.event_xml(openid, event, event_key="k", **extra))
    assert response.status_code == 200 and response.text == "success"
    [row] = stored(server, openid)
    assert row.event == event.lower() and row.status == "handled"


def test_events_are_deduped_by_sender_time_event_and_key(server):
    client = server.client("t-evdup")
    xml = sandbox.event_xml("t-evdup", "LOCATION", create_time=1_700_000_000, Latitude="1", Longitude="2")
    for _ in range(3):
        assert client.post_xml(xml).status_code == 200
    assert len(stored(server, "t-evdup")) == 1
    later = sandbox.event_xml("t-evdup", "LOCATION", create_time=1_700_000_005, Latitude="1", Longitude="2")
    client.post_xml(later)
    assert len(stored(server, "t-evdup")) == 2


def test_same_msgid_from_two_people_is_two_messages(server):
    for openid in ("t-same-a", "t-same-b"):
        assert "我的信息" in server.client(openid).say("帮助", msg_id=424242)
    assert len(stored(server, "t-same-a")) == len(stored(server, "t-same-b")) == 1

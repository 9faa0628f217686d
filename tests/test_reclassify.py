"""A new list version re-classifies active declarations; cadres decide easings and overrides in the chat."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import func, select

from models.db import transaction, utcnow
from models.declaration import Classification, Declaration
from models.outbox import OutboxMessage
from models.person import Person
from models.quarantine import ACTIVE, Quarantine
from tests.support.live import SHANGHAI, run_cli_here
from tests.support.reclassify import (
    AUG5,
    CHANGJIANG,
    FENGCHAN,
    HAIDIAN,
    JINGGUANG,
    NOW,
    aug6_text,
    bind_cadres,
    current,
    declare,
    import_text,
    outbox,
    policy_of,
)
from town.policy import ListInfo
from town.reclassify import reclassify_active
from town.riskareas import RiskIndex, load_index, parse_content


@pytest.fixture
def town(server):
    """Cadres bound, the 8月5日 list imported, four returnees to 鸣皋村 (one declared by his son); 8月7日."""
    with time_machine.travel(NOW, tick=True):
        db = server.state.db
        bind_cadres(db)
        assert import_text(db, AUG5.read_text(encoding="utf-8"), "2021-08-05-10.txt")[0].created
        server.state.risk.expire()
        ids = {
            "up": declare(db, "rc-up", "张桂兰", CHANGJIANG, by="rc-up-son"),
            "down": declare(db, "rc-down", "李建国", JINGGUANG),
            "proxy": declare(db, "rc-daughter", "孙德胜", CHANGJIANG, by="rc-daughter"),  # as the chat stores it
            "same": declare(db, "rc-same", "王秀英", FENGCHAN),
            "free": declare(db, "rc-free", "赵大妮", HAIDIAN),
        }
        yield server, ids


def history(db, declaration_id: int) -> list[tuple[str, str, str]]:
    with transaction(db) as session:
        rows = session.execute(
            select(Classification).where(Classification.declaration_id == declaration_id).order_by(Classification.id)
        ).scalars()
        return [(row.status, row.source, row.disposition) for row in rows]


def quarantine(db, declaration_id: int) -> Quarantine | None:
    with transaction(db) as session:
        return session.execute(
            select(Quarantine).where(Quarantine.declaration_id == declaration_id, Quarantine.status == ACTIVE)
        ).scalar_one_or_none()


def about(db, openid: str, number: int) -> list[str]:
    """What one person was sent about one declaration."""
    return [
        text for text in outbox(db).get(openid, []) if f"报备编号{number}\n" in text or f"报备编号{number}（" in text
    ]


def outbox_count(db) -> int:
    with transaction(db) as session:
        return session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()


def say(server, openid: str, text: str) -> str:
    return server.client(openid).say(text) or ""


def test_an_upgrade_applies_at_once_and_tells_the_cadres_the_command_and_the_household(town):
    server, ids = town
    db = server.state.db
    result, summary = import_text(db, aug6_text(), "2021-08-06-10.txt")
    assert summary.upgraded == [ids["up"], ids["proxy"]] and summary.proposed == [ids["down"]]
    assert result.created and summary.checked == 5 and summary.unchanged == 2
    assert "升级 2 份" in summary.line() and "放宽待干部确认 1 份" in summary.line()
    assert history(db, ids["up"]) == [("superseded", "declared", "居家隔离"), ("current", "relisted", "集中隔离")]
    row = current(db, ids["up"])
    assert row.rule_id == "high_risk_14d" and row.list_id == result.list_id and row.alert
    record = quarantine(db, ids["up"])
    assert record.kind == "集中隔离" and record.classification_id == row.id
    assert record.end_on == dt.date(2021, 8, 18)
    sent = outbox(db)
    alert = sent["rc-doctor"][0]
    assert alert.startswith("【请马上联系】【名单更新】张桂兰（13812345678），鸣皋村，报备编号" + str(ids["up"]))
    assert "按8月6日名单，管控从居家隔离改为集中隔离14天（8月5日至8月18日）" in alert
    assert "郑州市二七区长江路街道" in alert and "高风险：长江路街道" in alert
    assert sent["rc-cadre"][0] == alert  # urgent: the town command too, after the header counts of each list
    checks = [t for t in sent["rc-command"] if t.startswith("【名单核对】")]
    assert [t.split("公布")[0] for t in checks] == ["【名单核对】8月5日10时", "【名单核对】8月6日10时"]
    assert [t for t in sent["rc-command"] if t not in checks][0] == alert
    assert "rc-other" not in sent and "rc-far-lead" not in sent
    [notice] = sent["rc-up"]
    assert notice.startswith("张桂兰，您好！中高风险地区名单更新了，您的管控要调整：\n因为您8月5日离开郑州市二七区")
    assert "集中隔离14天（8月5日至8月18日）" in notice and "马上给您打电话" in notice
    [to_son] = sent["rc-up-son"]  # the son declared for her: he hears it too
    assert to_son.startswith("您好！中高风险地区名单更新了，您帮张桂兰报备的管控要调整：")
    [to_daughter] = sent["rc-daughter"]
    assert to_daughter.startswith("您好！中高风险地区名单更新了，您帮孙德胜报备的管控要调整：")
    assert "rc-same" not in sent and "rc-free" not in sent and "rc-down" not in sent


def test_an_easing_is_only_proposed_until_a_cadre_agrees(town):
    server, ids = town
    db = server.state.db
    import_text(db, aug6_text(), "2021-08-06-10.txt")
    number = ids["down"]
    assert current(db, number).disposition == "集中隔离" and quarantine(db, number).kind == "集中隔离"
    assert history(db, number) == [("current", "declared", "集中隔离"), ("proposed", "relisted", "居家健康监测")]
    [proposal] = about(db, "rc-cadre", number)
    assert proposal.startswith(f"【请您确认】李建国（13812345678），鸣皋村，报备编号{number}")
    assert "管控可以从集中隔离放宽为居家健康监测7天（8月5日至8月11日）" in proposal
    assert f"同意放宽，请回「同意 {number}」；继续集中隔离，请回「维持 {number}」" in proposal
    assert "rc-down" not in outbox(db) and about(db, "rc-command", number) == []

    reply = say(server, "rc-doctor", f"同意 {number}")
    assert reply == f"好的，李建国（报备编号{number}）已改为居家健康监测7天（8月5日至8月11日），已经通知本人。"
    row = current(db, number)
    assert row.disposition == "居家健康监测" and row.rule_id == "related_district_14d" and row.decided_at
    assert history(db, number) == [("superseded", "declared", "集中隔离"), ("current", "relisted", "居家健康监测")]
    assert quarantine(db, number).kind == "居家健康监测" and quarantine(db, number).end_on == dt.date(2021, 8, 11)
    [notice] = outbox(db)["rc-down"]
    assert notice.startswith("李建国，您好！村里干部核实后，您的管控调整了")
    assert "关联区域" in notice and "每天量体温" in notice
    assert (
        outbox(db)["rc-cadre"][-1]
        == f"报备编号{number}（李建国）已由王村医处理：同意放宽为居家健康监测7天（8月5日至8月11日）。"
    )
    again = say(server, "rc-cadre", f"同意{number}")
    assert (
        again == f"报备编号{number}（李建国）的放宽已经由王村医处理过了，现在管控是居家健康监测7天（8月5日至8月11日）。"
    )
    assert len(outbox(db)["rc-down"]) == 1


def test_keeping_the_measure_declines_the_easing_and_it_is_not_asked_again(town):
    server, ids = town
    db = server.state.db
    import_text(db, aug6_text(), "2021-08-06-10.txt")
    number = ids["down"]
    reply = say(server, "rc-lead", f"维持 {number}")  # the lead of 鸣皋村's work area may decide too
    assert reply == f"好的，李建国（报备编号{number}）继续集中隔离14天（8月5日至8月18日）。"
    assert history(db, number) == [("current", "declared", "集中隔离"), ("declined", "relisted", "居家健康监测")]
    assert quarantine(db, number).kind == "集中隔离" and "rc-down" not in outbox(db)
    assert "已由一区赵主任处理：继续集中隔离" in outbox(db)["rc-doctor"][-1]
    before = outbox_count(db)
    with transaction(db) as session:  # the scheduler runs again against the same version
        index = load_index(db)
        summary = reclassify_active(
            session,
            policy=policy_of(db),
            index=index,
            list_info=ListInfo(index.list_id),
            today=NOW.date(),
            now=utcnow(),
        )
    assert summary.upgraded == [] and summary.proposed == [] and summary.unchanged == 5
    assert outbox_count(db) == before and len(history(db, number)) == 2
    assert "已经由一区赵主任处理过了" in say(server, "rc-cadre", f"维持 {number}")


def test_an_override_needs_a_reason_tells_the_household_and_stands_through_the_next_list(town):
    server, ids = town
    db = server.state.db
    number = ids["same"]
    assert say(server, "rc-cadre", f"改为 {number} 健康监测") == (
        f"请把原因也写上，比如：改为 {number} 居家健康监测 已在外地隔离满14天。"
    )
    reply = say(server, "rc-cadre", f"改为{number}健康监测，原因：已在郑州集中隔离满14天")
    assert reply == (
        f"好的，王秀英（报备编号{number}）已改为居家健康监测7天（8月5日至8月11日），已经把调整和原因告诉本人。"
    )
    row = current(db, number)
    assert row.rule_id == "override" and row.source == "override" and row.note == "已在郑州集中隔离满14天"
    with transaction(db) as session:
        cadre = session.execute(select(Person.id).where(Person.openid == "rc-cadre")).scalar_one()
    assert row.decided_by_person_id == cadre and row.disposition == "居家健康监测"
    assert quarantine(db, number).kind == "居家健康监测"
    [notice] = outbox(db)["rc-same"]
    assert "按您的情况，管控改为居家健康监测7天（8月5日至8月11日），原因：已在郑州集中隔离满14天" in notice
    assert "已由刘支书处理：改为居家健康监测" in outbox(db)["rc-doctor"][-1]
    assert say(server, "rc-cadre", f"改为 {ids['free']} 居家隔离：密接（同车）") and "原因：密接（同车）" in (
        current(db, ids["free"]).reason
    )
    assert "现在就是居家健康监测" in say(server, "rc-cadre", f"改为 {number} 居家健康监测 再说一遍")

    _, summary = import_text(db, aug6_text(), "2021-08-06-10.txt")  # 丰产路街道 is still medium risk
    assert number not in summary.upgraded + summary.proposed
    assert current(db, number).rule_id == "override"
    by_command = say(server, "rc-command", f"改为 {ids['free']} 集中隔离 密接，镇里通知")
    assert current(db, ids["free"]).note == "密接，镇里通知"
    assert "已改为集中隔离14天（8月5日至8月18日）" in by_command
    assert quarantine(db, ids["free"]).kind == "集中隔离"


def test_only_the_village_cadres_their_work_area_lead_and_the_town_command_may_decide(town):
    server, ids = town
    db = server.state.db
    import_text(db, aug6_text(), "2021-08-06-10.txt")
    number = ids["down"]
    assert say(server, "rc-stranger", f"同意 {number}") == "抱歉，这个操作只有负责的干部才能用。"
    assert say(server, "rc-stranger", f"改为 {number} 无需隔离 我说的") == "抱歉，这个操作只有负责的干部才能用。"
    refused = f"抱歉，报备编号{number}是鸣皋村的，不归您管，请交给鸣皋村的干部处理。"
    assert say(server, "rc-other", f"同意 {number}") == refused
    assert say(server, "rc-far-lead", f"维持 {number}") == refused
    assert say(server, "rc-cadre", "同意 999999") == "没有找到报备编号999999，请核对一下消息里的编号。"
    assert say(server, "rc-stranger", "同意 999999") == "抱歉，这个操作只有负责的干部才能用。"
    assert "只有负责的干部" not in say(server, "rc-stranger", "改为13812345678")  # not a command
    assert history(db, number) == [("current", "declared", "集中隔离"), ("proposed", "relisted", "居家健康监测")]
    assert "rc-down" not in outbox(db)
    assert "没有等您确认的放宽，管控是居家隔离" in say(server, "rc-cadre", f"同意 {ids['same']}")


def test_the_same_list_twice_or_a_second_run_sends_nothing_twice(town):
    server, ids = town
    db = server.state.db
    first, summary = import_text(db, aug6_text(), "2021-08-06-10.txt")
    sent = outbox_count(db)
    again, none = import_text(db, aug6_text(), "renamed.txt")
    assert not again.created and again.list_id == first.list_id and none is None
    with transaction(db) as session:
        index = RiskIndex(parse_content(aug6_text(), "x").entries, first.list_id)
        rerun = reclassify_active(
            session, policy=policy_of(db), index=index, list_info=ListInfo(first.list_id), today=NOW.date(), now=NOW
        )
    assert rerun.upgraded == [] and rerun.proposed == [] and outbox_count(db) == sent
    assert len(history(db, ids["up"])) == 2 and len(history(db, ids["down"])) == 2
    # Back to the 8月5日 list: the waiting easing no longer holds, and 长江路街道 is medium again (a new proposal).
    _, back = import_text(db, AUG5.read_text(encoding="utf-8").replace("8月5日10时", "8月7日9时"), "aug7.txt")
    assert back.proposed == [ids["up"], ids["proxy"]] and back.upgraded == []
    assert history(db, ids["down"])[-1] == ("superseded", "relisted", "居家健康监测")


def test_import_risk_list_reclassifies_a_new_version_once(server, database_url, tmp_path):
    """The command line, on today's date (a subprocess cannot be time-travelled)."""
    db = server.state.db
    bind_cadres(db)
    first = run_cli_here("import-risk-list", str(AUG5), DATABASE_URL=database_url)
    assert first.returncode == 0, first.stderr
    assert "重新判定在管的返乡报备 0 份" in first.stdout
    number = declare(db, "rc-cli", "孙小红", CHANGJIANG, now=utcnow().astimezone(SHANGHAI))
    path = tmp_path / "2021-08-06-10.txt"
    path.write_text(aug6_text(), encoding="utf-8")
    second = run_cli_here("import-risk-list", str(path), DATABASE_URL=database_url)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines()[-1] == (
        "重新判定在管的返乡报备 1 份：升级 1 份（已通知干部和本人），放宽待干部确认 0 份，不变 0 份。"
    )
    assert current(db, number).disposition == "集中隔离"
    sent = outbox_count(db)
    third = run_cli_here("import-risk-list", str(path), DATABASE_URL=database_url)
    assert third.returncode == 0 and "unchanged" in third.stdout and "重新判定" not in third.stdout
    assert outbox_count(db) == sent


# What the 返乡报备 flow asks, by a word of its question, and how a returnee answers (any order, steps may change).
ANSWERS = (
    ("请核对", "对"),
    ("自己回来", "自己"),
    ("名字", "周大妮"),
    ("手机号", "13812345678"),
    ("身份证", "跳过"),
    ("哪个村", "鸣皋"),
    ("从哪里回来", "郑州市二七区"),
    ("街道", "长江路街道"),
    ("哪天到家", "8月5日"),
    ("哪天离开", "当天"),
    ("怎么回来", "坐高铁"),
    ("车次", "不记得"),
    ("健康码", "绿码"),
    ("一起回来", "没有"),
)


def test_a_declaration_made_in_the_chat_is_upgraded_by_the_next_list(town):
    server, _ = town
    db = server.state.db
    client = server.client("rc-chat")
    reply = client.say("返乡报备")
    for _ in range(20):
        if "报备好了" in reply:
            break
        answer = next((said for asked, said in ANSWERS if asked in reply), None)
        assert answer is not None, f"an unexpected question: {reply}"
        reply = client.say(answer)
    assert "居家隔离14天" in reply
    with transaction(db) as session:
        owner = session.execute(select(Person.id).where(Person.openid == "rc-chat")).scalar_one()
        number = session.execute(select(Declaration.id).where(Declaration.person_id == owner)).scalar_one()
    _, summary = import_text(db, aug6_text(), "2021-08-06-10.txt")
    assert number in summary.upgraded and current(db, number).disposition == "集中隔离"
    assert "按8月6日名单，管控从居家隔离改为集中隔离" in about(db, "rc-doctor", number)[-1]
    assert "中高风险地区名单更新了" in outbox(db)["rc-chat"][-1]
    assert "已改为居家隔离" in say(server, "rc-cadre", f"改为 {number} 居家隔离 在郑州已隔离7天，镇里同意")
    assert quarantine(db, number).kind == "居家隔离" and current(db, number).rule_id == "override"

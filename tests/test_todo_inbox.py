"""待办 as the one inbox: fevers, easings and households missing a 四包一 place beside the other tasks, urgent first,
and every task number taken as digits or a Chinese numeral."""

from __future__ import annotations

import re

import cn2an
import pytest
import time_machine

from bot.dialogue.tasks import NUMBER, task_number
from handlers.cadre_review import OVERRIDE_PATTERN, REVIEW_PATTERN
from handlers.faq.questions import PATTERN as ANSWER_PATTERN
from handlers.fever.followup import CONTACTED_PATTERN, HANDLED_PATTERN
from handlers.sampling import DONE_PATTERN, NOT_DONE_PATTERN
from handlers.supplies.commands import ACCEPT_PATTERN, DELIVER_PATTERN, REFUSE_PATTERN
from models.care import SamplingRound
from models.fever import FeverReport
from models.person import Person
from models.question import PolicyQuestion
from models.supplies import SupplyRequest
from tests.support.care import ROSTER, bind, isolate, local
from tests.support.declarations import AUG5
from tests.support.isolation import Town, declare
from tests.support.live import import_list, invite_code
from tests.support.people import villager
from tests.support.reclassify import AUG5 as AUG5_LIST
from tests.support.reclassify import NOW, aug6_text, bind_cadres, import_text
from tests.support.reclassify import declare as declared

JINGGUANG = ("河南省", "郑州市", "二七区", "京广路街道")


def cn(number: int) -> str:
    """The number as a cadre may type it: 12 -> 十二."""
    return cn2an.an2cn(number)


@pytest.fixture
def town(server):
    """鸣皋村's roster bound (a doctor, both cadres, a grid worker; the area's lead and the town command)."""
    import_list(server, AUG5)
    bind(server.state.db, ROSTER)
    return Town(server)


@pytest.fixture
def bare(server):
    """Only the work-area lead and the town command bound: 鸣皋村 has nobody yet."""
    import_list(server, AUG5)
    bind(server.state.db, tuple(row for row in ROSTER if row[3] in ("work_area_lead", "town_command")))
    return Town(server)


def test_the_number_family_reads_as_digits_or_numerals():
    pattern = re.compile(rf"^x{NUMBER}$")
    family = {"一": 1, "九": 9, "十": 10, "十二": 12, "二十": 20, "二十一": 21, "九十九": 99, "两": 2, "〇": 0}
    family |= {"零": 0, "一百零五": 105, "12": 12, "007": 7}
    for typed, value in family.items():
        assert task_number(pattern.match(f"x{typed}").group(1)) == value, typed
    for n in range(1, 100):
        assert task_number(pattern.match(f"x{cn(n)}").group(1)) == n
    assert task_number("十十") is None and task_number(None) is None


@pytest.mark.parametrize(
    ("pattern", "said", "group", "value"),
    [
        (ACCEPT_PATTERN, "接单二", 1, 2),
        (ACCEPT_PATTERN, "接单 2", 1, 2),
        (DELIVER_PATTERN, "送达 二", 1, 2),
        (DELIVER_PATTERN, "已送达第十二号", 1, 12),
        (REFUSE_PATTERN, "无法办理 三 店里没货", 1, 3),
        (REFUSE_PATTERN, "办不了两 没车", 2, 2),
        (DONE_PATTERN, "采样六完成", 1, 6),
        (NOT_DONE_PATTERN, "采样 二十 未完成 家里没人", 1, 20),
        (ANSWER_PATTERN, "答复 十二 不用隔离", 1, 12),
        (REVIEW_PATTERN, "同意 三", 2, 3),
        (REVIEW_PATTERN, "维持九十九", 2, 99),
        (OVERRIDE_PATTERN, "改为 〇 居家隔离 核实过", 1, 0),
        (CONTACTED_PATTERN, "已联系 五", 1, 5),
        (HANDLED_PATTERN, "发热 十一 已处理 已送卫生院", 1, 11),
    ],
)
def test_every_command_takes_its_number_as_a_numeral(pattern, said, group, value):
    match = pattern.match(said)
    assert match is not None, said
    assert task_number(match.group(group)) == value


def test_an_open_fever_is_in_the_doctors_todo_until_they_have_called(town):
    villager(town.server, "ti-mother", "张桂兰", "13812340000", "鸣皋村")
    assert "已经告诉村医王村医" in town.say("ti-mother", "我家孩子发烧38度5 还咳嗽", local(6, 21))
    [report] = town.rows(FeverReport)
    n = report.id
    todo = town.say("cf-doctor", "待办", local(6, 21, 5))
    assert (
        f"发热{n}：张桂兰家的孩子，鸣皋村，体温38.5℃，咳嗽（8月6日21:00报告），电话13812340000\n"
        f"  → 打过电话回「已联系 {n}」；处理完回「发热 {n} 已处理 情况」"
    ) in todo
    assert f"发热{n}" not in town.say("cf-command", "待办", local(6, 21, 5))  # the village has its doctor
    assert town.say("ti-mother", f"已联系 {n}", local(6, 21, 6)).startswith("抱歉，这是给村医和干部用的")

    reply = town.say("cf-doctor", f"已联系{cn(n)}", local(6, 21, 10))
    assert reply == f"好的，记下了：发热{n} 张桂兰家的孩子，已电话联系。辛苦了！"
    [report] = town.rows(FeverReport)
    doctor = town.rows(Person, Person.openid == "cf-doctor")[0]
    assert (report.closed_by_person_id, report.outcome) == (doctor.id, "已电话联系") and report.closed_at
    assert f"发热{n}" not in town.say("cf-doctor", "待办", local(6, 21, 11))
    # What was done, said after the call, is added to the record; once said, the report is done.
    added = town.say("cf-cadre", f"发热 {n} 已处理 送去卫生院了", local(6, 21, 12))
    assert added == f"好的，发热{n}的处理情况记下了：送去卫生院了。辛苦了！"
    assert town.rows(FeverReport)[0].outcome == "送去卫生院了"
    again = town.say("cf-cadre", f"发热 {n} 已处理 回家了", local(6, 21, 13))
    assert again == f"发热{n}已经由王村医在8月6日21:10处理过了：送去卫生院了。"


def test_with_no_doctor_the_fever_is_above_and_closed_with_what_was_done(bare):
    villager(bare.server, "ti-old", "李大爷", "13812341111", "鸣皋村")
    assert "已经报给镇上负责防疫的同志" in bare.say("ti-old", "我发烧39度，浑身疼", local(6, 22))
    [report] = bare.rows(FeverReport)
    n = report.id
    for openid in ("cf-lead", "cf-command"):
        assert f"发热{n}：李大爷（本人报告），鸣皋村，体温39.0℃" in bare.say(openid, "待办", local(6, 22, 5))
    bare.new()
    reply = bare.say("cf-command", f"发热{cn(n)}已处理：已送卫生院发热门诊，留观", local(6, 22, 30))
    assert reply == f"好的，记下了：发热{n} 李大爷（本人报告），已送卫生院发热门诊，留观。辛苦了！"
    [report] = bare.rows(FeverReport)
    assert report.outcome == "已送卫生院发热门诊，留观"
    assert bare.new() == {
        "cf-lead": [
            f"【发热已处理】发热{n} 李大爷（本人报告）：镇指挥部小周已处理，已送卫生院发热门诊，留观。您不用再跟进了。"
        ]
    }
    assert f"发热{n}" not in bare.say("cf-lead", "待办", local(6, 22, 31))


def test_an_easing_waits_in_the_deciders_todo_until_agreed(server):
    with time_machine.travel(NOW, tick=True):
        db = server.state.db
        bind_cadres(db)
        import_text(db, AUG5_LIST.read_text(encoding="utf-8"), "2021-08-05-10.txt")
        server.state.risk.expire()
        n = declared(db, "rc-down", "李建国", JINGGUANG)
        import_text(db, aug6_text(), "2021-08-06-10.txt")
        line = f"报备编号{n}：李建国（鸣皋村）按新名单可以从集中隔离放宽为居家健康监测（8月7日10:00提出），等您确认"
        todo = server.client("rc-cadre").say("待办")
        assert line in todo and f"同意回「同意 {n}」；继续集中隔离回「维持 {n}」" in todo
        assert line in server.client("rc-doctor").say("待办")
        for elsewhere in ("rc-other", "rc-command", "rc-far-lead"):  # another village; above a village with a team
            assert f"报备编号{n}：" not in server.client(elsewhere).say("待办")
        assert "已改为居家健康监测" in server.client("rc-doctor").say(f"同意 {cn(n)}")
        assert f"报备编号{n}：" not in server.client("rc-cadre").say("待办")


def test_a_household_missing_a_place_is_in_the_todo_of_those_who_can_fill_it(bare):
    declare(bare)  # 8月5日: home isolation in 鸣皋村, where nobody is bound
    line = "张建军家（鸣皋村，报备编号{n}）没有包村干部、村干部、村医、民警或网格员包保，请安排"
    lead = bare.say("cf-lead", "待办", local(5, 16))
    found = re.search(r"报备编号(\d+)）没有", lead)
    assert found and line.format(n=found.group(1)) in lead
    assert line.format(n=found.group(1)) in bare.say("cf-command", "待办", local(5, 16))

    code = invite_code(bare.server, "鸣皋", "village_cadre")
    assert "这1户还没有人负责您这个角色" in bare.say("ti-cadre", f"绑定 {code}", local(6, 9))
    cadre = bare.say("ti-cadre", "待办", local(6, 9, 1))
    assert f"张建军家（鸣皋村，报备编号{found.group(1)}）没有包村干部、村医、民警或网格员包保，请安排" in cadre
    code = invite_code(bare.server, "鸣皋", "village_doctor")
    bare.say("ti-doctor", f"绑定 {code}", local(6, 9, 2))
    assert "没有包村干部、民警或网格员包保" in bare.say("ti-cadre", "待办", local(6, 9, 3))
    assert "报备编号" not in bare.say("ti-doctor", "待办", local(6, 9, 3))  # arranging people is the cadres' work


def request(town: Town, openid: str, text: str, at) -> int:
    """A supply request confirmed at once; its number."""
    assert "请核对" in town.say(openid, text, at)
    assert "申请编号是" in town.say(openid, "对", at)
    return town.rows(SupplyRequest)[-1].id


def test_urgent_tasks_come_first_whatever_their_kind(town):
    isolate(town.db, "ti-home", "王大勇", now=local(5, 10))  # its 8月5日 round is missed by the 6th
    villager(town.server, "ti-a", "张桂兰", "13812345678", "鸣皋村")
    villager(town.server, "ti-b", "李秀英", "13812346666", "鸣皋村")
    calm = request(town, "ti-a", "要两袋米，不急，放门口", local(6, 9))
    urgent = request(town, "ti-b", "要一盒退烧药，急", local(6, 9, 5))
    [sampling] = [r for r in town.rows(SamplingRound) if r.day.day == 5]
    todo = town.say("cf-cadre", "待办", local(6, 10))
    order = [
        todo.index(f"第{urgent}号物资【急】"),
        todo.index(f"采样编号{sampling.id}："),
        todo.index(f"第{calm}号物资"),
    ]
    assert order == sorted(order), todo
    assert todo.startswith("您的待办（3件）")


def test_a_cadre_walks_their_tasks_in_chinese_numerals(town):
    isolate(town.db, "ti-home", "王大勇", now=local(5, 10))
    villager(town.server, "ti-a", "张桂兰", "13812345678", "鸣皋村")
    n = request(town, "ti-a", "要两袋米，不急，放门口", local(6, 9))
    assert town.say("cf-cadre", f"接单{cn(n)}", local(6, 9, 30)).startswith(f"好的，第{n}号")
    assert f"第{n}号" in town.say("cf-cadre", f"送达 {cn(n)}", local(6, 11))
    assert town.rows(SupplyRequest)[-1].status == "delivered"

    [sampling] = [r for r in town.rows(SamplingRound) if r.day.day == 5]
    assert "8月5日第1次核酸已采" in town.say("cf-doctor", f"采样{cn(sampling.id)}完成", local(6, 11, 30))
    assert town.rows(SamplingRound, SamplingRound.id == sampling.id)[0].status == "done"

    assert "村干部" in town.say("ti-a", "俺家猪能拉出去卖吗", local(6, 12))
    [question] = town.rows(PolicyQuestion)
    reply = town.say("cf-cadre", f"答复 {cn(question.id)} 可以，要先报村里", local(6, 12, 30))
    assert f"第{question.id}号" in reply
    assert town.rows(PolicyQuestion)[0].status == "answered"
    assert town.say("cf-cadre", "待办", local(6, 13)) == "您现在没有待办的事。有新的会马上告诉您。"

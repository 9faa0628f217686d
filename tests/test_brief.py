"""The evening dispatch brief: per village and for the town, from BRIEF_AT, stored once and pushed to cadres once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, update

from broadcasts import brief
from models.brief import Brief
from models.checkpoint import CheckpointReport
from models.db import transaction
from models.outbox import OutboxMessage, enqueue
from models.quarantine import Quarantine
from models.sql import Sql
from tests.support.live import run_cli
from tests.support.people import bind, person, village_id
from tests.support.stats import NOW, TODAY, declare
from tests.support.stats import town as stats_town  # noqa: F401  (the 统计 day: declarations, supplies, fevers...)

AT = NOW.replace(hour=18, minute=0)


@pytest.fixture
def day(stats_town):  # noqa: F811
    """统计's day, plus a township cadre, a quarantine in 孙村 ending tomorrow, checkpoint reports and an
    undeliverable message in 鸣皋村."""
    db = stats_town.state.db
    bind(db, ("br-township", "包村小周", "township_cadre", "鸣皋村", None))
    with transaction(db) as session:
        ending = declare(session, "孙村", "孙二", "居家健康监测", at=NOW - dt.timedelta(days=10))
        session.execute(update(Quarantine).where(Quarantine.id == ending).values(end_on=TODAY + dt.timedelta(days=1)))
        staff = person(session, "br-staff", "卡点老王", None, "鸣皋村")
        for anomaly, phone, text in ((True, None, "西口发现红码人员一名"), (False, "13900009999", "登记")):
            session.add(
                CheckpointReport(
                    reporter_person_id=staff, village_id=village_id(session, "鸣皋村"), anomaly=anomaly, phone=phone,
                    text=text, seen_at=AT - dt.timedelta(hours=3),
                )
            )  # fmt: skip
        sql = Sql(session.connection())
        enqueue(
            sql, key="br-lost", recipient_openid="st-cadre", kind="alert", text="测试", now=AT - dt.timedelta(hours=1)
        )
        sql.run("UPDATE outbox_message SET status = 'undeliverable' WHERE idempotency_key = 'br-lost'")
    return stats_town


def run(server, now: dt.datetime) -> int:
    with transaction(server.state.db) as session:
        return brief.job(session, now, server.settings)


def briefs(server) -> dict[str, Brief]:
    with transaction(server.state.db) as session:
        return {row.scope: row for row in session.execute(select(Brief).where(Brief.day == TODAY)).scalars()}


def pushed(server) -> dict[str, list[str]]:
    with transaction(server.state.db) as session:
        rows = session.execute(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("brief:%")).order_by(OutboxMessage.id)
        )
        out: dict[str, list[str]] = {}
        for row in rows.scalars():
            out.setdefault(row.recipient_openid, []).append(row.text)
        return out


def scope_of(server, name: str) -> str:
    with transaction(server.state.db) as session:
        return f"village:{village_id(session, name)}"


def test_nothing_before_six_then_each_brief_once(day):
    assert run(day, AT - dt.timedelta(minutes=1)) == 0
    assert briefs(day) == {}
    assert run(day, AT) == 4  # 鸣皋村's two cadres, the work-area lead, the town command
    stored = briefs(day)
    assert len(stored) == 19  # the test town's 18 villages and the town
    village = stored[scope_of(day, "鸣皋村")]
    assert village.short == "\n".join(
        [
            "【调度简报】鸣皋村8月6日（截至18:00）",
            "返乡报备：今天3份（居家隔离2、无需隔离1）",
            "正在管控：3户（居家隔离2、集中隔离1）",
            "明天解除管控：0户",
            "物资申请：没办完3件，其中超时2件",
            "今天还没打卡：1户",
            "发热报告：今天1人，还没回「已联系」的2人",
            "红白事：接下来3件（最近：8月8日丧事，鸣皋村，约15人），日子没定1件",
            "卡点异常：今天1起；卡点登记了没报备1人，报备到家卡点没登记0人",
            "疫苗登记：3人，打过一针及以上2人（67%），两针及以上1人",
            "发不出去的消息：今天1条",
            "全文在后台的调度简报里。",
        ]
    )
    assert "  没报备：13900009999（鸣皋村卡点15:00）" in village.text
    assert "  18岁以上：2人，打过1人（50%）" in village.text and "待答复的村民提问：1个" in village.text
    data = json.loads(village.data)
    assert (data["anomalies"], data["undeclared"], data["undeliverable"], data["ending_tomorrow"]) == (1, 1, 1, 0)
    sun = stored[scope_of(day, "孙村")]
    assert "明天解除管控：1户" in sun.short and "  孙二" in sun.text and "正在管控：2户" in sun.short
    town = stored["town"]
    assert town.short.startswith("【调度简报】鸣皋镇8月6日（截至18:00）\n返乡报备：今天5份（居家隔离3、")
    assert "明天解除管控：1户" in town.short and "物资申请：没办完4件，其中超时3件" in town.short
    assert "卡点异常：今天1起；卡点登记了没报备1人" in town.short and "发不出去的消息：今天1条" in town.short
    sent = pushed(day)
    assert sent == {
        "st-cadre": [village.short],
        "br-township": [village.short],
        "st-lead": [town.short],
        "st-command": [town.short],
    }  # 孙村 has no village or township cadre: its brief is kept, not sent
    assert run(day, AT + dt.timedelta(minutes=30)) == 0  # written and sent once
    assert briefs(day)[scope_of(day, "鸣皋村")].id == village.id
    assert pushed(day) == sent


def test_the_cli_prints_the_stored_brief(day, database_url):
    run(day, AT)
    result = run_cli("brief", "--date", TODAY.isoformat(), "--village", "鸣皋", DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == briefs(day)[scope_of(day, "鸣皋村")].text
    town = run_cli("brief", "--date", TODAY.isoformat(), DATABASE_URL=database_url)
    assert town.stdout.startswith("【调度简报】鸣皋镇8月6日（截至18:00）")
    unknown = run_cli("brief", "--village", "火星", DATABASE_URL=database_url)
    assert unknown.returncode == 2


def test_the_cli_composes_a_day_not_yet_stored(day, database_url):
    result = run_cli("brief", "--date", TODAY.isoformat(), "--village", "孙村", DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert "孙村2021年8月6日" in result.stdout and "明天解除管控：1户" in result.stdout
    assert briefs(day) == {}  # printing stores nothing

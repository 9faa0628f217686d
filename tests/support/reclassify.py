"""Risk lists and re-classification: the lists, the cadres, declarations from risk areas and their classes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models.cadre import CadreAssignment
from models.db import transaction
from models.declaration import Classification, Declaration, save_classification
from models.outbox import OutboxMessage
from models.person import Person
from models.quarantine import sync_quarantine
from models.town import Village
from tests.support.live import PROJECT, SHANGHAI
from town.policy import ListInfo, classify, load_policy
from town.reclassify import facts_of, ingest
from town.riskareas import load_index, parse_content

AUG5 = PROJECT / "tests/fixtures/riskareas/2021-08-05-10.txt"


NOW = dt.datetime(2021, 8, 7, 10, 0, tzinfo=SHANGHAI)


ARRIVED = dt.date(2021, 8, 5)

# Places of the 8月5日/8月6日 lists: (province, city, district, street).
JINGGUANG = ("河南省", "郑州市", "二七区", "京广路街道")
FENGCHAN = ("河南省", "郑州市", "金水区", "丰产路街道")
HAIDIAN = ("北京市", "北京市", "海淀区", None)


# People bound to roles: (openid, name, role, village).
CADRES = (
    ("rc-cadre", "刘支书", "village_cadre", "鸣皋村"),
    ("rc-doctor", "王村医", "village_doctor", "鸣皋村"),
    ("rc-command", "镇指挥部小李", "town_command", "鸣皋村"),
    ("rc-lead", "一区赵主任", "work_area_lead", "张村"),
    ("rc-other", "孙村支书", "village_cadre", "孙村"),
    ("rc-far-lead", "二区钱主任", "work_area_lead", "东叶寨村"),
)


def aug6_text() -> str:
    """The 8月6日 version: 长江路街道 becomes high risk as a whole street, 京广路街道 leaves the list."""
    text = AUG5.read_text(encoding="utf-8").replace("2021年8月5日10时", "2021年8月6日10时")
    return text.replace("郑州市二七区京广路街道\n", "郑州市二七区长江路街道\n")


def import_text(db, text: str, name: str, now: dt.datetime = NOW):
    """Import a list version in-process (as the CLI and the fetch job do)."""
    return ingest(db, parse_content(text, name), policy=policy_of(db), now=now)


def policy_of(_db):
    """The shipped policy (data/policy.toml)."""
    return load_policy(PROJECT / "data/policy.toml")


def village_id(session, name: str) -> int:
    """The id of the village of this name."""
    return session.execute(select(Village.id).where(Village.name == name)).scalar_one()


def person(session, openid: str, name: str | None = None) -> int:
    """The person with this openid, created when new."""
    found = session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none()
    if found is None:
        found = Person(openid=openid, name=name)
        session.add(found)
        session.flush()
    return found.id


def bind_cadres(db) -> None:
    """Bind the cadres who hear of re-classifications, directly in the database."""
    with transaction(db) as session:
        for openid, name, role, village in CADRES:
            pid = person(session, openid, name)
            session.add(
                CadreAssignment(person_id=pid, role=role, village_id=village_id(session, village), created_at=NOW)
            )


def declare(db, openid: str, name: str, origin: tuple, *, by: str | None = None, village="鸣皋村", now=NOW) -> int:
    """A stored declaration classified against the latest list, as the 返乡报备 flow leaves it."""
    province, city, district, township = origin
    with transaction(db) as session:
        declaration = Declaration(
            person_id=person(session, openid, name),
            declared_by_person_id=person(session, by) if by else None,
            village_id=village_id(session, village),
            name=name,
            phone="13812345678",
            origin_province=province,
            origin_city=city,
            origin_district=district,
            origin_township=township,
            arrived_on=now.date() - (NOW.date() - ARRIVED),
            health_code="green",
            active_until=now.date() + dt.timedelta(days=12),
            created_at=now,
        )
        session.add(declaration)
        session.flush()
        index = load_index(db)
        info = ListInfo(index.list_id) if index else None
        result = classify(policy_of(db), index, info, facts_of(declaration), now.astimezone(SHANGHAI).date())
        row = save_classification(session, declaration_id=declaration.id, result=result, now=now)
        sync_quarantine(session, declaration=declaration, classification=row, now=now)
        return declaration.id


CHANGJIANG = ("河南省", "郑州市", "二七区", "长江路街道")


def current(db, declaration_id: int) -> Classification:
    """The declaration's classification in force."""
    with transaction(db) as session:
        return session.execute(
            select(Classification).where(
                Classification.declaration_id == declaration_id, Classification.status == "current"
            )
        ).scalar_one()


def outbox(db) -> dict[str, list[str]]:
    """Every queued text by recipient, oldest first."""
    with transaction(db) as session:
        rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        out: dict[str, list[str]] = {}
        for row in rows:
            out.setdefault(row.recipient_openid, []).append(row.text)
        return out

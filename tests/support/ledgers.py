"""Rows for the dashboard's ledger tests, written with the models (one transaction per call), and signed-in viewers."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import httpx
from sqlalchemy import select

from models.cadre import CadreAssignment
from models.care import SamplingRound
from models.checkpoint import CheckpointReport
from models.db import transaction
from models.declaration import Classification, Declaration
from models.event import EventReport
from models.fever import FeverReport
from models.inbound import InboundMessage
from models.outbox import OutboxMessage
from models.person import Person
from models.quarantine import Quarantine
from models.supplies import SupplyRequest
from models.town import Village
from models.vaccination import Vaccination
from tests.support.dashboard import make_admin, signed_in

NOW = dt.datetime(2021, 8, 6, 2, 0, tzinfo=dt.UTC)  # 10:00 in the town
_numbers = itertools.count(1)


class Seed:
    """A town's records for the ledgers: people, declarations, measures, reports; and accounts to look at them."""

    def __init__(self, server):
        self.server = server
        self.db = server.state.db
        with transaction(self.db) as session:
            self.villages = {v.name: v.id for v in session.execute(select(Village)).scalars()}

    def person(self, village: str | None, name: str | None, phone: str | None = None) -> Person:
        with transaction(self.db) as session:
            person = Person(openid=f"ledger-{next(_numbers)}", name=name, phone=phone,
                            village_id=self.villages[village] if village else None)  # fmt: skip
            session.add(person)
            session.flush()
            return person

    def add(self, *rows) -> list:
        with transaction(self.db) as session:
            session.add_all(rows)
            session.flush()
            return list(rows)

    def returnee(self, village: str, name: str, phone: str, arrived: dt.date, measure: str | None = "居家隔离",
                 **fields) -> tuple[Person, Declaration]:  # fmt: skip
        """A villager who declared a return, classified with this measure (None: not yet)."""
        person = self.person(village, name, phone)
        values = {"health_code": "green", "active_until": arrived + dt.timedelta(days=14), "created_at": NOW}
        [declaration] = self.add(Declaration(person_id=person.id, village_id=self.villages[village], name=name,
                                             phone=phone, arrived_on=arrived, **{**values, **fields}))  # fmt: skip
        if measure is not None:
            end = arrived + dt.timedelta(days=14) if measure != "无需隔离" else None
            self.add(Classification(declaration_id=declaration.id, rule_id="test", policy_version="test",
                                    disposition=measure, start_on=arrived, end_on=end, reason="因为",
                                    created_at=NOW))  # fmt: skip
        return person, declaration

    def quarantine(self, declaration: Declaration, kind: str, rounds=()) -> Quarantine:
        """A measure in force under the declaration, with its sampling rounds ((day, status), ...)."""
        with transaction(self.db) as session:
            classification = session.execute(
                select(Classification).where(Classification.declaration_id == declaration.id)
            ).scalar_one()
            start, planned = declaration.arrived_on, json.dumps([d.isoformat() for d, _ in rounds])
            record = Quarantine(declaration_id=declaration.id, classification_id=classification.id,
                                person_id=declaration.person_id, village_id=declaration.village_id, kind=kind,
                                start_on=start, end_on=start + dt.timedelta(days=14), sampling_dates=planned,
                                created_at=NOW)  # fmt: skip
            session.add(record)
            session.flush()
            session.add_all(SamplingRound(quarantine_id=record.id, day=d, status=s) for d, s in rounds)
            return record

    def chat(self, person: Person, *lines: tuple[str, str, dt.datetime]) -> None:
        """Messages in ('in', text, at) with a reply, and out ('out:status:channel', text, at)."""
        rows = []
        for direction, text, at in lines:
            if direction == "in":
                rows.append(InboundMessage(openid=person.openid, dedupe_key=f"k{next(_numbers)}", msg_type="text",
                                           text=text, raw="<xml/>", received_at=at, status="handled",
                                           reply=f"收到：{text}"))  # fmt: skip
            else:
                _, status, channel = direction.split(":")
                errcode = 45015 if status == "failed" else None
                rows.append(OutboxMessage(idempotency_key=f"o{next(_numbers)}", recipient_openid=person.openid,
                                          kind="alert", text=text, status=status, channel=channel or None,
                                          created_at=at, due_at=at, errcode=errcode))  # fmt: skip
        self.add(*rows)

    def reports(self, person: Person, village: str | None) -> None:
        """One of each: a fever, a supply request, a gathering, a vaccination, a checkpoint anomaly."""
        village_id = self.villages[village] if village else None
        name = person.name or "某人"
        self.add(
            FeverReport(person_id=person.id, village_id=village_id, temperature=38.6, symptoms="咳嗽",
                        text=f"{name}发烧了", created_at=NOW),
            SupplyRequest(person_id=person.id, village_id=village_id, text=f"{name}要米",
                          items=json.dumps([{"name": "米", "qty": 2, "unit": "袋"}]), created_at=NOW),
            EventReport(person_id=person.id, village_id=village_id, kind="funeral", event_on=dt.date(2021, 8, 9),
                        guests=30, place="老宅", text=f"{name}家办丧事", created_at=NOW),
            Vaccination(person_id=person.id, village_id=village_id, name=name, id_number="410329199001011234",
                        age_group="18+", doses=1, created_at=NOW),
            CheckpointReport(reporter_person_id=person.id, village_id=village_id, name=name, phone=person.phone,
                             text=f"{name} 黄码 劝返", seen_at=NOW),
        )  # fmt: skip

    def viewer(self, username: str, role: str = "town_admin", village: str | None = None) -> httpx.Client:
        """A signed-in client: the town admin, or a cadre account holding this role in this village."""
        with transaction(self.db) as session:
            person_id = None
            if village is not None:
                person = Person(openid=f"cadre-{username}", name=f"{username}干部", phone="13800000000",
                                village_id=self.villages[village])  # fmt: skip
                session.add(person)
                session.flush()
                session.add(CadreAssignment(person_id=person.id, role=role, village_id=self.villages[village],
                                            created_at=NOW))  # fmt: skip
                person_id = person.id
            make_admin(session, username=username, password="pass-1234", person_id=person_id,
                       role="town_admin" if person_id is None else role)  # fmt: skip
        return signed_in(self.server.url, username, "pass-1234")

"""Villagers' policy questions the FAQ could not answer, queued for a cadre's 答复."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel

from models.person import Person
from models.sql import Sql


class PolicyQuestion(SQLModel, table=True):
    """A question the FAQ could not answer with confidence, queued for the village cadre."""

    __tablename__ = "policy_question"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    text: str = Field(max_length=1000)
    status: str = Field(default="open", max_length=12, index=True)  # open, answered
    answer: str | None = Field(default=None, max_length=2000)
    answered_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    answered_at: dt.datetime | None = None
    created_at: dt.datetime


WITH_ASKER = (
    "SELECT q.id, q.text, q.status, q.answer, q.village_id, q.answered_by_person_id, p.openid, p.name, p.phone,"
    " v.name FROM policy_question q JOIN person p ON p.id = q.person_id LEFT JOIN village v ON v.id = q.village_id"
    " WHERE q.id = :id"
)
ANSWER = (
    "UPDATE policy_question SET status = 'answered', answer = :answer, answered_by_person_id = :person,"
    " answered_at = :now WHERE id = :id AND status = 'open'"
)
# Open questions alerted to this cadre: their village's cadre, or (no village cadre bound) the lead and command.
OPEN_FOR = (
    "SELECT q.id, q.text, p.name, p.phone, v.name FROM policy_question q JOIN person p ON p.id = q.person_id"
    " LEFT JOIN village v ON v.id = q.village_id WHERE q.status = 'open' AND ("
    "EXISTS (SELECT 1 FROM cadre_assignment a WHERE a.person_id = :person AND a.role = 'village_cadre'"
    " AND a.village_id = q.village_id)"
    " OR (NOT EXISTS (SELECT 1 FROM cadre_assignment c WHERE c.role = 'village_cadre' AND c.village_id = q.village_id)"
    " AND EXISTS (SELECT 1 FROM cadre_assignment a JOIN village av ON av.id = a.village_id WHERE a.person_id = :person"
    " AND (a.role = 'town_command' OR (a.role = 'work_area_lead' AND av.work_area_id = v.work_area_id)))))"
    " ORDER BY q.id"
)


def add_question(
    session: Session, *, person_id: int, village_id: int | None, text: str, now: dt.datetime
) -> PolicyQuestion:
    """Queue a question for a cadre's answer; it gets its number."""
    question = PolicyQuestion(person_id=person_id, village_id=village_id, text=text, created_at=now)
    session.add(question)
    session.flush()
    return question


def question_with_asker(sql: Sql, *, question_id: int) -> tuple | None:
    """(id, text, status, answer, village_id, answered_by, asker openid, name, phone, village name), or None."""
    return sql.one(WITH_ASKER, id=question_id)


def answer_question(sql: Sql, *, question_id: int, answer: str, person_id: int, now: dt.datetime) -> None:
    """Close an open question with a cadre's answer."""
    sql.run(ANSWER, answer=answer, person=person_id, now=sql.time(now), id=question_id)


def open_questions_for(sql: Sql, *, person_id: int) -> list[tuple]:
    """(id, text, asker name, asker phone, village name) of the open questions alerted to this cadre."""
    return sql.all(OPEN_FOR, person=person_id)


def question_by_id(session: Session, *, question_id: int) -> PolicyQuestion | None:
    """The question with this number, if any."""
    return session.get(PolicyQuestion, question_id)


def answerer_name(session: Session, *, question: PolicyQuestion) -> str | None:
    """The name of the cadre who answered the question, if known."""
    cadre = session.get(Person, question.answered_by_person_id) if question.answered_by_person_id else None
    return cadre.name if cadre else None

"""Villagers' policy questions the FAQ could not answer, queued for a cadre's 答复."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


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

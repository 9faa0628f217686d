"""Adding a cadre's answer to the FAQ file (python main.py faq-add N), kept valid and in the town's own format."""

from __future__ import annotations

import datetime as dt
import json
import os
import tomllib
from pathlib import Path

from sqlmodel import Session

from handlers.faq.index import FaqError, parse_faq
from handlers.faq.texts import ERRORS
from models.question import answerer_name, question_by_id


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's), Chinese kept readable."""
    return json.dumps(text, ensure_ascii=False)


def snippet(question: str, answer: str, note: str) -> str:
    """The [[faq]] entry for one question and its answer, with a comment saying where it came from."""
    return f"# {note}\n[[faq]]\nquestions = [\n  {toml_string(question)},\n]\nanswer = {toml_string(answer)}\n"


def answered(session: Session, number: int, tz: dt.tzinfo) -> tuple[str, str, str]:
    """The question, its answer and a note on who answered it when; FaqError when it is not answered yet."""
    question = question_by_id(session, question_id=number)
    if question is None:
        raise FaqError(ERRORS.no_question.format(number=number))
    if question.status != "answered" or not question.answer:
        raise FaqError(ERRORS.not_answered.format(number=number))
    cadre = answerer_name(session, question=question)
    when = question.answered_at.astimezone(tz).date() if question.answered_at else None
    who = cadre or ERRORS.someone
    note = ERRORS.note.format(number=number, month=when.month, day=when.day, who=who) if when else ""
    return question.text, question.answer, note


def add_to_faq(path: Path, *, question: str, answer: str, note: str) -> str:
    """Append the entry to the file (written whole, checked by reading it back); the entry as written."""
    path = Path(path)
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    entries = parse_faq(tomllib.loads(current)) if current else []
    if any(question.strip() == asked for entry in entries for asked in entry.questions):
        raise FaqError(ERRORS.already_in.format(question=question.strip(), path=path))
    entry = snippet(question.strip(), answer.strip(), note)
    updated = (current.rstrip("\n") + "\n\n" if current.strip() else "") + entry
    parse_faq(tomllib.loads(updated))
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(updated, encoding="utf-8")
    os.replace(temporary, path)
    return entry

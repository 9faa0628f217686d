"""Answers given ahead of their question: 「13812340000 身份证4103…」 at the phone question fills the ID number too.

Only numbers whose shape says what they are (an 11-digit mobile number, an 18-character ID number) are taken
ahead, and only by a later step of the same flow that accepts them and is not answered yet. A reply that answers
not the question asked but what a flow reads (`Flow.reads`: 返乡报备's place, day and transport) is kept too.
"""

from __future__ import annotations

import re

from bot.dialogue import words
from bot.dialogue.flow import Context, Flow, Step
from models.conversation import State

# The slots a number of a known shape can answer.
SLOTS = ("phone", "id_number")
_NUMBERS = re.compile(r"(?<![0-9Xx])(\d{17}[\dXx]|1[3-9]\d{9})(?![0-9Xx])")


def fill_ahead(ctx: Context, flow: Flow, state: State, text: str) -> None:
    """Store, in the state, every later unanswered phone or ID number step that a number in this message answers."""
    numbers = _NUMBERS.findall(words.normalize(text))
    if not numbers:
        return
    for step in flow.steps:
        if step.slot not in SLOTS or step.slot == state.step or step.slot in state.slots:
            continue
        for number in numbers:
            parsed = step.parse(number, ctx)
            if parsed.ok and parsed.value:
                state.slots[step.slot] = parsed.value
                numbers.remove(number)
                break


def keep_ahead(ctx: Context, flow: Flow, state: State, text: str) -> list[Step]:
    """A reply that is no answer to the question asked, kept for the questions it answers (what `flow.reads` finds,
    not answered yet); those questions' steps."""
    if flow.reads is None or words.dont_know(text) or words.is_no(text):
        return []
    said = {slot: value for slot, value in flow.reads(ctx, text).items() if slot not in state.slots}
    said.pop(state.step, None)
    answered = [step for step in flow.steps if step.slot in said]
    if answered:
        state.slots.update(said)
    return answered

"""Which answered item a person says is wrong: named (「电话不对」) or picked from the numbered list."""

from __future__ import annotations

from bot.dialogue import words
from bot.dialogue.flow import Context, Flow, Step


def named_step(flow: Flow, text: str, *, needs_change_word: bool = False) -> Step | None:
    """The step the text only names: 「电话」, or with needs_change_word 「电话不对」/「改一下名字」."""
    stripped = words.bare(text)
    if needs_change_word and not any(word in stripped for word in words.CHANGE_WORDS):
        return None
    for step in flow.steps:
        if step.label in stripped and not words.without_fillers(stripped.replace(step.label, "")):
            return step
    return None


def fixable(ctx: Context, flow: Flow) -> list[Step]:
    """The answered steps, in order: what a person may say is wrong."""
    return [step for step in flow.steps if step.slot in ctx.slots]


def field_choices(ctx: Context, flow: Flow) -> str:
    """The answered steps as a numbered list to choose from."""
    return "\n".join(f"{i}. {step.label}" for i, step in enumerate(fixable(ctx, flow), start=1))

"""Changing an answer: confirming the summary, naming or picking the wrong item, a correction said anywhere."""

from __future__ import annotations

from bot.dialogue import fixes, texts, words
from bot.dialogue.flow import Context, Flow, Step
from models.conversation import State

CONFIRM, FIX = "_confirm", "_fix"


class Corrections:
    """The engine's part for 「不对，是徐阳村」「电话不对」「2」「对」 (it uses _advance, _aside, _finish, _save)."""

    def _confirm(self, ctx: Context, flow: Flow, state: State, text: str) -> str:
        if words.is_confirm_yes(text):
            return self._finish(ctx, flow)
        named = fixes.named_step(flow, text, needs_change_word=True)
        if named:
            return self._reask(ctx, flow, state, named)
        return self._aside(ctx, state, text) or self._correct(ctx, flow, state, text)

    def _pick_field(self, ctx: Context, flow: Flow, state: State, text: str) -> str:
        choice = words.bare(text)
        fixable = fixes.fixable(ctx, flow)
        if choice.isascii() and choice.isdigit() and len(choice) <= 4 and 1 <= int(choice) <= len(fixable):
            return self._reask(ctx, flow, state, fixable[int(choice) - 1])
        named = fixes.named_step(flow, choice)
        if named:
            return self._reask(ctx, flow, state, named)
        return self._aside(ctx, state, text) or self._correct(ctx, flow, state, text)

    def _fix_earlier(self, ctx: Context, flow: Flow, state: State, text: str) -> str | None:
        """「不对，就一袋米」 while another question is open: an answered item takes the new value."""
        correction = words.strip_no(text)
        answered = [s for s in fixes.fixable(ctx, flow) if s.recognisable and s.slot != state.step]
        if not correction or not answered:
            return None
        ctx.correcting = True
        try:
            parsed = next(((s, p) for s in answered if (p := s.parse(correction, ctx)).ok), None)
        finally:
            ctx.correcting = False
        if parsed is None:
            return None
        state.slots[parsed[0].slot] = parsed[1].value
        return f"{texts.CHANGED.format(label=parsed[0].label)}\n{self._advance(ctx, flow, state)}"

    def _correct(self, ctx: Context, flow: Flow, state: State, text: str) -> str:
        """「不对，是徐阳村」: the new value, recognised by the one step that accepts it."""
        correction = words.strip_no(text) if words.is_no(text) else words.normalize(text)
        # A short number is a choice from a list, never a value: ask which item instead.
        if correction and not (correction.isdigit() and len(correction) < 5):
            ctx.correcting = True
            try:
                parsed = next(
                    ((s, p) for s in flow.steps if s.recognisable and (p := s.parse(correction, ctx)).ok), None
                )
            finally:
                ctx.correcting = False
            if parsed is not None:
                step, value = parsed[0], parsed[1].value
                state.slots[step.slot] = value
                if value in (None, []) and not step.may_be_empty(ctx):  # 「米不要了」 took the last of them: ask again
                    state.slots.pop(step.slot)
                return self._advance(ctx, flow, state)
        template = texts.WHICH_FIELD_AGAIN if state.step == FIX else texts.WHICH_FIELD
        state.step = FIX
        self._save(ctx, state)
        return template.format(choices=fixes.field_choices(ctx, flow))

    def _reask(self, ctx: Context, flow: Flow, state: State, step: Step) -> str:
        state.slots.pop(step.slot, None)
        return self._advance(ctx, flow, state)

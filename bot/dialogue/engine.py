"""The dialogue engine: runs declared flows one question at a time, with state kept in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.dialogue import fixes, menu, plan, texts, wayout, words
from bot.dialogue.ahead import fill_ahead, keep_ahead
from bot.dialogue.correcting import CONFIRM, FIX, Corrections
from bot.dialogue.flow import AccountEvent, Context, End, Flow, Offer, Outcome, Parsed, Registry, Step, Then
from bot.dialogue.plan import PENDING
from models.cadre import holds_role
from models.conversation import State, clear_state, load_state, save_state

OFFERED = "_offered"  # the step of a yes/no question asked outside a form (an Offer): its yes starts the flow
HEARING = "_hearing"  # the step after a finish that asked an open question (Flow.hears): the next message may answer
Unplaced = Callable[[Any], Outcome | None]  # the reply to a message nothing placed, from the NLU's reading of it


class Engine(Corrections):
    """Routes one person's text to the flow they are in, or starts one."""

    def __init__(self, registry: Registry, *, understand=None):
        self.flows = {flow.name: flow for flow in registry.flows}
        self.commands = registry.commands
        self.answers = registry.answers
        self.events = registry.events
        self.help_keys = registry.help_keys
        self.understand = understand

    def flow_for_key(self, key: str) -> Flow | None:
        """The flow a menu key starts."""
        return menu.flow_for_key(self.flows.values(), key)

    def flow_for_text(self, text: str) -> Flow | None:
        """The flow whose entry word is the message."""
        return menu.flow_for_text(self.flows.values(), text)

    def help_text(self, ctx: Context | None = None) -> str:
        """What anyone can do; for a person holding a cadre role, what cadres can do as well."""
        return menu.help_text(list(self.flows.values()), self.commands, ctx)

    def converse(self, ctx: Context, text: str) -> str:
        """Answer one text message."""
        ctx.hear(self.understand)
        state, expired = self._live_state(ctx)
        ctx.flow = state.flow if state else None
        ctx.pending = list(state.slots.get(PENDING) or []) if state else []
        if state and state.step == OFFERED:
            reply = self._offered(ctx, state, text)
        elif state and state.step == HEARING:
            reply = self._heard(ctx, state, text)
        else:
            reply = self._answer(ctx, state, text)
        if expired is None:
            return reply
        notice = texts.EXPIRED.format(minutes=ctx.settings.conversation_ttl_min, word=expired.word)
        # An answer to the dropped question means nothing now: the notice alone says what to do.
        return notice if reply.startswith(texts.UNKNOWN) else f"{notice}\n\n{reply}"

    def start_by_key(self, ctx: Context, key: str) -> str:
        """A menu click: 帮助, or start the flow behind the key."""
        if key in self.help_keys:
            return self.help_text(ctx)
        flow = self.flow_for_key(key)
        return self.start(ctx, flow, None) if flow else texts.NOT_READY

    def on_event(self, ctx: Context, event: AccountEvent) -> str | None:
        """Follow, unfollow, scan or location: the registered handler's reply (a new follower also gets 帮助)."""
        handler = self.events.get(event.name)
        reply = handler(ctx, event) if handler else None
        if event.name == "subscribe":
            return "\n\n".join(filter(None, (reply, self.help_text())))
        return reply

    def start(self, ctx: Context, flow: Flow, first_text: str | None, *, restart: bool = False) -> str:
        """Begin a flow, prefilled from the first message and the person's profile."""
        if flow.roles and not holds_role(ctx.sql, person_id=ctx.person.id, roles=flow.roles):
            return texts.CADRES_ONLY.format(title=flow.word)
        slots = flow.prefill(ctx, first_text, restart) if flow.prefill else {}
        return self._advance(ctx, flow, State(flow=flow.name, step="", slots=slots, started_at=ctx.now))

    def _live_state(self, ctx: Context) -> tuple[State | None, Flow | None]:
        """The person's state, or None; with the flow whose state just expired."""
        state = load_state(ctx.sql, openid=ctx.person.openid)
        if state is None or state.flow not in self.flows:
            return None, None
        ttl = dt.timedelta(minutes=ctx.settings.conversation_ttl_min)
        if state.updated_at and ctx.now - state.updated_at > ttl:
            clear_state(ctx.sql, openid=ctx.person.openid)
            filling = state.step not in (OFFERED, HEARING)
            return None, self.flows[state.flow] if filling else None  # else nothing was being filled in
        return state, None

    def _answer(self, ctx: Context, state: State | None, text: str, unplaced: Unplaced | None = None) -> str:
        """The reply to a text: a command, a flow's entry or step, an intent; `unplaced`'s when nothing places it."""
        text = words.canonical(text)
        if words.is_command(text, words.CANCEL) or (state is not None and words.drops_form(text)):
            if state is None:
                return texts.NOTHING_TO_CANCEL
            clear_state(ctx.sql, openid=ctx.person.openid)
            ctx.pending = []
            return texts.CANCELLED
        if words.is_command(text, words.HELP):
            resume = f"\n\n{texts.HELP_RESUME}{self._question(ctx, state)}" if state else ""
            return self.help_text(ctx) + resume
        if words.is_command(text, words.RESTART):
            if state is None:
                return texts.NOTHING_TO_RESTART
            return self.start(ctx, self.flows[state.flow], None, restart=True)
        normalized = words.normalize(text)
        for command in self.commands:
            match = command.pattern.match(normalized)
            if match:
                return self._follow(ctx, command.run(ctx, match))
        entry = self.flow_for_text(text)
        if entry is not None:
            return self.start(ctx, entry, text)
        if state is not None:
            return self._continue(ctx, state, text)
        return self._start_from_intent(ctx, text, unplaced)

    def _how_to(self, understood) -> str | None:
        """「咋申请物资」: the one flow a how-to question names, for anyone (None when it names none)."""
        named = understood.secondary.get("intents", [])[:1] if understood else []
        flow = next((f for f in self.flows.values() if not f.roles and set(named) & set(f.entry_intents)), None)
        return texts.HOW_TO.format(word=flow.word) if flow is not None and flow.entry_words else None

    def _start_from_intent(self, ctx: Context, text: str, unplaced: Unplaced | None = None) -> str:
        if words.is_command(text, words.THANKS):
            return texts.YOU_ARE_WELCOME
        if words.is_command(text, words.GREETINGS):
            return texts.GREETING + self.help_text(ctx)
        understood = ctx.understand(text)
        intent = understood.intent if understood else "unknown"
        if intent == "help":
            return self._how_to(understood) or self.help_text(ctx)
        if intent == "cancel":  # 「算了 不要了…」 with nothing being filled in
            return texts.NOTHING_TO_CANCEL
        if intent == "unknown" and understood and understood.secondary.get("new_phone"):
            flow = next((f for f in self.flows.values() if "new_phone" in f.entry_intents), None)
            if flow is not None:
                return self.start(ctx, flow, text)
        if intent == "unknown" and understood and understood.secondary.get("offtopic"):
            return texts.OFF_TOPIC
        todo = plan.jobs(ctx, text, understood, self.answers, self.flows)
        if todo:
            return self._run(ctx, todo, fresh=True)
        if intent != "unknown":
            return texts.NOT_READY
        outcome = unplaced(understood) if unplaced is not None else None
        return self._follow(ctx, outcome if outcome is not None else menu.unknown_reply(ctx, text))

    def _run(self, ctx: Context, todo: list[dict], *, fresh: bool) -> str:
        """Do one thing after another until one asks a question; the rest waits in that question's state."""
        replies = []
        while todo:
            job = todo.pop(0)
            ctx.pending = todo
            reply = self._do(ctx, job)
            if job["kind"] == "flow" and (replies or not fresh):
                reply = f"{texts.NEXT_UP.format(word=self.flows[job['name']].word)}\n{reply}"
            replies.append(reply)
            if load_state(ctx.sql, openid=ctx.person.openid) is not None:
                break
        if todo:  # a question came first: say in one line what waits for its answer
            waiting = "、".join(self._job_word(job) for job in todo)
            replies[-1] += "\n" + texts.LATER.format(words=waiting)
        return "\n\n".join(replies)

    def _job_word(self, job: dict) -> str:
        return self.flows[job["name"]].word if job["kind"] == "flow" else texts.ANSWER_WORD

    def _do(self, ctx: Context, job: dict) -> str:
        """One answer or flow of a message that asked for several."""
        text = job["text"]
        if job["kind"] == "answer":
            answer = next(a for a in self.answers if a.name == job["name"])
            return self._follow(ctx, answer.run(ctx, text, ctx.understand(text)))
        flow = self.flows[job["name"]]
        note = texts.ANSWERED_AT_END.format(word=flow.word) if job.get("settles") else ""
        reply = self.start(ctx, flow, text)
        return f"{note}\n{reply}" if note else reply

    def _continue(self, ctx: Context, state: State, text: str) -> str:
        flow = self.flows[state.flow]
        ctx.slots = state.slots
        if state.step == CONFIRM:
            return self._confirm(ctx, flow, state, text)
        if state.step == FIX:
            return self._pick_field(ctx, flow, state, text)
        step = flow.step(state.step)
        if step is None:
            return self._advance(ctx, flow, state)
        if words.is_no(text) and (fixed := self._fix_earlier(ctx, flow, state, text)) is not None:
            return fixed
        parsed = step.parse(text, ctx)
        if parsed.ok and words.dont_know(text) and words.echoes(parsed.value, text):
            parsed = Parsed(reask=step.question(ctx))  # 「记不住」 taken as a name or a city: it is no answer
        if not parsed.ok and (aside := self._aside(ctx, state, text)):
            return aside
        if not parsed.ok and (kept := keep_ahead(ctx, flow, state, text)):
            self._save(ctx, state)
            return f"{texts.KEPT_AHEAD.format(labels='、'.join(s.label for s in kept))}\n{step.question(ctx)}"
        state.slots.update(parsed.memo)
        if not parsed.ok:
            return self._no_answer(ctx, flow, state, step, text, parsed)
        state.slots[step.slot] = parsed.value
        fill_ahead(ctx, flow, state, text)
        said = step.answered(ctx) if step.answered else None
        following = self._advance(ctx, flow, state)
        return f"{said}\n{following}" if said else following

    def _offered(self, ctx: Context, state: State, text: str) -> str:
        """The answer to a yes/no question asked outside a form: yes starts the flow, anything else is new."""
        clear_state(ctx.sql, openid=ctx.person.openid)
        ctx.flow = None
        if words.is_yes(words.canonical(text)):
            return self.start(ctx, self.flows[state.flow], None)
        if words.is_no_answer(text):
            return texts.OFFER_DECLINED
        return self._answer(ctx, None, text)

    def _heard(self, ctx: Context, state: State, text: str) -> str:
        """The message after a finish's open question: read as any other, and the flow's answer if nothing places it."""
        clear_state(ctx.sql, openid=ctx.person.openid)
        ctx.flow = None
        hears = self.flows[state.flow].hears
        return self._answer(ctx, None, text, lambda understood: hears(ctx, text, understood) if hears else None)

    def _no_answer(self, ctx: Context, flow: Flow, state: State, step: Step, text: str, parsed: Parsed) -> str:
        """Asked again, or a way out (an optional item's 「不知道」 is its answer: none)."""
        optional = step.may_be_empty(ctx)
        if optional and words.dont_know(text):
            state.slots[step.slot] = None
            return self._advance(ctx, flow, state)
        if optional:  # missed twice, it stays empty: an item that may be empty never needs a person
            if wayout.missed_twice(state.slots, step, parsed.reask):
                state.slots[step.slot] = None
                return f"{texts.LEFT_EMPTY.format(label=step.label)}\n{self._advance(ctx, flow, state)}"
            reply = parsed.reask
        else:
            reply = wayout.after_miss(ctx, state.slots, step, text, parsed.reask)
        self._save(ctx, state)
        return reply

    def _advance(self, ctx: Context, flow: Flow, state: State) -> str:
        ctx.slots = state.slots
        step = self._next_step(ctx, flow)
        if step is not None:
            state.step = step.slot
            self._save(ctx, state)
            return step.question(ctx)
        if flow.summary is not None:
            state.step = CONFIRM
            self._save(ctx, state)
            return self._summary(ctx, flow)
        return self._finish(ctx, flow)

    def _next_step(self, ctx: Context, flow: Flow) -> Step | None:
        for step in flow.steps:
            if step.slot in ctx.slots or (step.skip and step.skip(ctx)):
                continue
            return step
        return None

    def _aside(self, ctx: Context, state: State, text: str) -> str | None:
        """A message meant for something else (a check-in, a risk question): answered, then the question again."""
        understood = ctx.understand(text)
        answer = next((a for a in self.answers if a.aside and understood and understood.intent in a.intents), None)
        if answer is None:
            return None
        outcome = answer.run(ctx, text, understood)
        if isinstance(outcome, Then) and outcome.flow == state.flow:  # the same report again: nothing is dropped
            return self._follow(ctx, outcome)
        if isinstance(outcome, Then | End):  # the answer asks its own question (a fever's temperature)
            dropped = texts.ASIDE_DROPPED.format(word=self.flows[state.flow].word)
            return f"{dropped}\n{self._follow(ctx, outcome)}"
        self._save(ctx, state)  # the form is still being filled in: its half hour starts again
        return f"{outcome}\n\n{texts.HELP_RESUME}{self._question(ctx, state)}"

    def _summary(self, ctx: Context, flow: Flow) -> str:
        return f"{flow.summary(ctx)}\n{texts.CONFIRM_HINT}"

    def _question(self, ctx: Context, state: State) -> str:
        flow = self.flows[state.flow]
        ctx.slots = state.slots
        if state.step == CONFIRM and flow.summary:
            return self._summary(ctx, flow)
        step = flow.step(state.step)
        return step.question(ctx) if step else texts.WHICH_FIELD.format(choices=fixes.field_choices(ctx, flow))

    def _finish(self, ctx: Context, flow: Flow) -> str:
        clear_state(ctx.sql, openid=ctx.person.openid)
        reply = self._follow(ctx, flow.finish(ctx))
        if flow.hears is not None and not ctx.pending and load_state(ctx.sql, openid=ctx.person.openid) is None:
            save_state(ctx.sql, openid=ctx.person.openid, state=State(flow.name, HEARING, {}, ctx.now), now=ctx.now)
            return reply
        if not ctx.pending or load_state(ctx.sql, openid=ctx.person.openid) is not None:
            return reply
        return f"{reply}\n\n{self._run(ctx, ctx.pending, fresh=False)}"

    def _follow(self, ctx: Context, outcome: Outcome) -> str:
        """A handler's outcome as the reply: its text, then the flow it hands over to, or the conversation ended."""
        if isinstance(outcome, End):
            clear_state(ctx.sql, openid=ctx.person.openid)
            return outcome.reply
        if isinstance(outcome, Offer):
            save_state(ctx.sql, openid=ctx.person.openid, state=State(outcome.flow, OFFERED, {}, ctx.now), now=ctx.now)
            return outcome.reply
        if not isinstance(outcome, Then):
            return outcome
        flow = self.flows[outcome.flow]
        if outcome.slots is None:
            follow = self.start(ctx, flow, None)
        else:
            follow = self._advance(
                ctx, flow, State(flow=flow.name, step="", slots=dict(outcome.slots), started_at=ctx.now)
            )
        return f"{outcome.reply}{outcome.sep}{follow}" if outcome.reply else follow

    def _save(self, ctx: Context, state: State) -> None:
        if ctx.pending:
            state.slots[PENDING] = ctx.pending
        else:
            state.slots.pop(PENDING, None)
        save_state(ctx.sql, openid=ctx.person.openid, state=state, now=ctx.now)

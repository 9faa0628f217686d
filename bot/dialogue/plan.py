"""One message, several things to do: 「发烧了 家里也没药了」 is a fever report, then a supply request.

The NLU decides one intent and lists the others in secondary["intents"]; each answer and flow declares with
`also` when a message about something else asks for it too. Answers go first (a fever alerts the doctor at once),
then flows one at a time: what is still to do waits in the stored state (PENDING) until the flow before it ends.
"""

from __future__ import annotations

from bot.dialogue.flow import Answer, Context, Flow

PENDING = "_pending"


def job(kind: str, name: str, text: str, *, settles: bool = False) -> dict:
    """One thing to do, as stored: an answer or a flow by name, the text it starts from."""
    return {"kind": kind, "name": name, "text": text, "settles": settles}


def jobs(ctx: Context, text: str, understood, answers: tuple[Answer, ...], flows: dict[str, Flow]) -> list[dict]:
    """What the message asks for, in the order it is done; empty when nothing answers its intent."""
    intent = understood.intent if understood else "unknown"
    answer = next((a for a in answers if intent in a.intents), None)
    flow = None if answer else next((f for f in flows.values() if intent in f.entry_intents), None)
    if understood is None or (flow is not None and flow.roles):
        first = [job("answer", answer.name, text)] if answer else [job("flow", flow.name, text)] if flow else []
        return first  # a cadre's report (a checkpoint's fever) is theirs alone to file
    also_answers = [a for a in answers if a is not answer and a.also is not None and a.also(ctx, text, understood)]
    also_flows = [
        f
        for f in flows.values()
        if f is not flow and not f.roles and f.also is not None and f.also(ctx, text, understood)
    ]
    settling = next((f for f in also_flows if answer is not None and intent in f.settles), None)
    if settling is not None:  # the declaration answers 「用不用隔离」 at its end
        answer, flow = None, settling
        also_flows.remove(settling)
    # 「刚从广州回来 用不用隔离啊」 read as the return, with the question among the other intents.
    asked = flow is not None and any(i in flow.settles for i in understood.secondary.get("intents", ()))
    done = [job("answer", a.name, text) for a in ([answer] if answer else []) + also_answers]
    if flow is not None:
        done.append(job("flow", flow.name, text, settles=flow is settling or asked))
    return done + [job("flow", f.name, text) for f in also_flows]

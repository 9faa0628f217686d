"""政策问答: the town's official answers from the FAQ file; what it cannot answer goes to the village cadre."""

from __future__ import annotations

import logging

from bot.dialogue import Answer, Command, Context, Flow, Parsed, Step, accept, reask, words
from handlers.faq import questions
from handlers.faq.index import load_faq
from handlers.faq.texts import LABELS, TEXT
from town import command

log = logging.getLogger(__name__)


def reply_to(ctx: Context, text: str) -> str:
    """The FAQ's answer when it is confident enough, else the question queued for the village cadre."""
    match = load_faq(ctx.settings.faq_file).best(text)
    if match is not None and match.score >= ctx.settings.faq_min_score:
        return TEXT.answer.format(answer=match.entry.answer)
    log.info("FAQ: no confident answer (%.2f) for a question; queued", match.score if match else 0.0)
    return questions.queue(ctx, text.strip())


def _answer(ctx: Context, text: str, _understood) -> str:
    return reply_to(ctx, text)


def parse_question(text: str, ctx: Context) -> Parsed:
    return accept(text.strip()[:1000]) if len(words.bare(text)) >= 3 else reask(TEXT.question_again)


def _finish(ctx: Context) -> str:
    return reply_to(ctx, ctx.slots["question"])


ANSWER = Answer(name="ask_policy", intents=("ask_policy",), run=_answer)
# The menu's 政策问答 (and the word itself) asks for the question first.
FLOW = Flow(
    name="ask_policy",
    title=TEXT.title,
    entry_words=("政策问答", "政策咨询", "防疫政策", "问问题", "咨询", "我要提问", "提问"),
    entry_keys=("POLICY",),
    steps=(Step("question", LABELS["question"], TEXT.ask_question, parse_question, recognisable=False),),
    finish=_finish,
)
COMMAND = Command(
    name="answer_question",
    pattern=questions.PATTERN,
    run=questions.answer,
    help=TEXT.help,
    help_roles=command.HELP_FOR[command.ANSWER],
)
todo_lines = questions.todo_lines

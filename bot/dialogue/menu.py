"""What the account offers, as the help message says it, and which flow a menu key or an entry word starts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.dialogue import texts, words
from bot.dialogue.flow import Command, Context, Flow, Offer
from models.cadre import held_roles


def flow_for_key(flows: Iterable[Flow], key: str) -> Flow | None:
    """The flow a menu key starts."""
    return next((f for f in flows if key in f.entry_keys), None)


def flow_for_text(flows: Iterable[Flow], text: str) -> Flow | None:
    """The flow whose entry word is the message, give or take 「我要」「俺想」 around it."""
    said = words.without_request_fillers(words.bare(text))
    if not said:
        return None
    return next((f for f in flows if any(said == words.without_request_fillers(w) for w in f.entry_words)), None)


def help_text(flows: list[Flow], commands: list[Command], ctx: Context | None = None) -> str:
    """What anyone can do; for a person holding a cadre role, what cadres can do as well."""
    lines = [texts.HELP_HEADER]
    lines += [texts.HELP_LINE.format(word=f.word, title=f.title) for f in flows if f.entry_words and not f.roles]
    lines.append(texts.HELP_FOOTER)
    roles = {role for role, _ in held_roles(ctx.sql, person_id=ctx.person.id)} if ctx is not None else set()
    if roles:
        lines.append(texts.CADRE_HELP_HEADER)
        lines += [
            texts.HELP_LINE.format(word=f.word, title=f.title) for f in flows if f.entry_words and roles & set(f.roles)
        ]
        lines += [
            texts.CADRE_HELP_LINE.format(line=c.help)
            for c in commands
            if c.help and (not c.help_roles or roles & set(c.help_roles))
        ]
    return "\n".join(lines)


# 「俺是坡头村的」「坡头村」: a place named like a village, whether or not it is one of the town's.
_VILLAGE_LIKE = re.compile(r"([\u4e00-\u9fff]{1,4}?(?:村|庄|寨|屯|营))")
_SELF = re.compile(r"^(?:俺们|我们|咱们|俺|我|咱)?(?:家)?(?:是|在|住在|住)?")


def unknown_reply(ctx: Context, text: str) -> str | Offer:
    """A message not understood: a kind question back, about the place it names if it names one.

    A place outside the town asks whether the person came back from there: a yes starts the declaration.
    """
    said = words.bare(text)
    found = _VILLAGE_LIKE.search(said[_SELF.match(said).end() :])
    if found:
        match = ctx.villages.find(found.group(1))
        if match.village is not None and match.certain:
            return texts.OUR_VILLAGE.format(village=match.village.name)
        if match.village is None:
            return Offer(texts.NOT_OUR_VILLAGE.format(place=found.group(1)), "declare_return")
    return f"{texts.UNKNOWN}{texts.UNKNOWN_ASK}"

"""Henan speech read as standard Mandarin (恁→您, 俺→我, 咋→怎么), from the data in lexicon/dialect.toml."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

DIALECT = Path(__file__).resolve().parent / "lexicon" / "dialect.toml"
_PUNCT = re.compile(r"[\s,，。.!！?？、;；:：~～…\"'“”‘’()（）【】\[\]]+")
_TAIL = re.compile(r"(了|吧|啊|呀|哈|嘛|啦)+$")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], re.Pattern, dict[str, str]]:
    data = tomllib.loads(DIALECT.read_text("utf-8"))
    words = data.get("words", {})
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    return words, pattern, data.get("phrases", {})


def standard(text: str) -> str:
    """The message with dialect word forms in standard spelling: 「黄码了咋弄」 -> 「黄码了怎么办」."""
    words, pattern, _ = _tables()
    return pattern.sub(lambda m: words[m.group(0)], text) if text else text


@lru_cache(maxsize=2048)
def phrase(text: str) -> str | None:
    """The menu word a whole message stands for (「以后别给俺发了」 -> 「退订」), or None."""
    said = _TAIL.sub("", _PUNCT.sub("", standard(text or "")))
    return _tables()[2].get(said)

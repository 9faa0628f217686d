"""The town's FAQ file, and BM25 over jieba tokens to find the answer to a question asked in any words."""

from __future__ import annotations

import logging
import math
import re
import threading
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.dialogue import words
from bot.nlu import resources
from handlers.faq.texts import ERRORS

log = logging.getLogger(__name__)
K1, B = 1.5, 0.75
CHAR_WEIGHT = 0.3
# Words that carry no meaning for matching (particles, pronouns, question words).
_STOP_WORDS = (
    "的 了 吗 呢 啊 呀 吧 么 嘛 哦 哈 呐 我 俺 你 您 他 她 咱 我们 俺们 咱们 你们 他们 是 在 有 要 想 能 会 就 都 "
    "也 还 和 跟 个 这 那 这个 那个 一下 请问 问问 问一下 想问 问 啥 什么 怎么 咋 如何 怎样 怎么办 咋办 可以 能不能 "
    "可不可以 要不要 用不用 需不需要 需要 不 没 哪 哪里 哪儿 去 让 给 被 把"
)
STOP = frozenset(_STOP_WORDS.split())
# Homophones that voice input and pinyin typing produce.
TYPOS = {"核算": "核酸", "合酸": "核酸", "和酸": "核酸", "格离": "隔离", "个离": "隔离", "一苗": "疫苗", "义苗": "疫苗"}
_TYPO = re.compile("|".join(TYPOS))
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


class FaqError(ValueError):
    """A FAQ file that cannot be used: names the file, the entry and the problem."""


@dataclass(frozen=True)
class Entry:
    questions: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float  # about 0..1: the entry's BM25 score over the score of a perfect match


def tokens(text: str) -> list[str]:
    """The words of a question that matter: jieba's cut of the normalised text, without stop words."""
    text = _TYPO.sub(lambda m: TYPOS[m.group(0)], words.normalize(text))
    return [t for t in resources.get().cut(text) if t not in STOP and _WORD.match(t)]


def features(text: str) -> dict[str, float]:
    """The tokens (weight 1), and the characters of longer tokens (weight CHAR_WEIGHT).

    The characters let 「健康码黄了」 meet 「黄码」 and 「摆酒」 meet 「酒席」, which jieba cuts differently.
    """
    found: dict[str, float] = {}
    for token in tokens(text):
        found[token] = 1.0
        for char in token if len(token) > 1 else ():
            found.setdefault(char, CHAR_WEIGHT)
    return found


class Bm25:
    """Okapi BM25 over documents given as term counts, for queries given as weighted terms."""

    def __init__(self, docs: list[Counter]):
        self.tf = docs
        self.length = [sum(doc.values()) for doc in docs]
        self.avgdl = sum(self.length) / len(docs) if docs and sum(self.length) else 1.0
        df = Counter(term for counts in docs for term in counts)
        n = len(docs)
        self.idf = {term: math.log(1 + (n - k + 0.5) / (k + 0.5)) for term, k in df.items()}
        self.unseen = math.log(1 + (n + 0.5) / 0.5)  # a word no entry has counts as the rarest

    def _term(self, term: str, tf: int, length: float) -> float:
        norm = tf + K1 * (1 - B + B * length / self.avgdl)
        return self.idf.get(term, self.unseen) * tf * (K1 + 1) / norm

    def scores(self, query: dict[str, float]) -> list[float]:
        return [
            sum(w * self._term(t, counts[t], length) for t, w in query.items() if t in counts)
            for counts, length in zip(self.tf, self.length, strict=True)
        ]

    def perfect(self, query: dict[str, float]) -> float:
        """The score of a document made of exactly the query's words: what a confident match approaches."""
        length = sum(query.values())
        return sum(w * self._term(t, 1, length) for t, w in query.items())


class Faq:
    """The entries and their index (one document per entry: all its phrasings); `best` finds what a question asks."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        docs = []
        for entry in entries:
            counts: Counter = Counter()
            for question in entry.questions:
                counts.update(features(question).keys())
            docs.append(counts)
        self.index = Bm25(docs)

    def best(self, question: str) -> Match | None:
        query = features(question)
        if not query or not self.entries:
            return None
        scores = self.index.scores(query)
        top = max(range(len(scores)), key=scores.__getitem__)
        return Match(self.entries[top], round(min(1.0, scores[top] / self.index.perfect(query)), 3))


def parse_faq(data: dict) -> list[Entry]:
    """The entries of already-parsed TOML, checked one by one."""
    unknown = set(data) - {"faq"}
    if unknown:
        raise FaqError(ERRORS.unknown_fields.format(fields=", ".join(sorted(unknown))))
    raw = data.get("faq", [])
    if not isinstance(raw, list):
        raise FaqError(ERRORS.not_a_list)
    return [_entry(item, n) for n, item in enumerate(raw, 1)]


def _entry(raw: object, number: int) -> Entry:
    if not isinstance(raw, dict) or set(raw) - {"questions", "answer"}:
        raise FaqError(ERRORS.extra_items.format(number=number))
    questions, answer = raw.get("questions"), raw.get("answer")
    if not isinstance(questions, list) or not questions or not all(isinstance(q, str) and q.strip() for q in questions):
        raise FaqError(ERRORS.no_questions.format(number=number))
    if not isinstance(answer, str) or not answer.strip():
        raise FaqError(ERRORS.no_answer.format(number=number))
    return Entry(tuple(q.strip() for q in questions), answer.strip())


def read_faq(path: Path) -> Faq:
    """Read, check and index a FAQ file; FaqError naming the file otherwise."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return Faq(parse_faq(data))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, FaqError) as exc:
        raise FaqError(ERRORS.in_file.format(path=path, error=exc)) from exc


_cache: dict[Path, tuple[int, Faq]] = {}
_lock = threading.Lock()


def load_faq(path: Path) -> Faq:
    """The FAQ, read again only when the file changed; a broken edit keeps the last good one (and is logged)."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        try:
            faq = read_faq(path)
        except FaqError as exc:
            log.error("FAQ not reloaded, questions are matched against the last good version: %s", exc)
            faq = cached[1] if cached else Faq([])
        _cache[path] = (mtime, faq)
        return faq

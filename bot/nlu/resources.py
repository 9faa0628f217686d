"""Everything the NLU loads once: keyword tables, goods, the division gazetteer and the jieba segmenter."""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.nlu import cache
from bot.nlu.quantities import Lexicon, compile_lexicon
from town import divisions
from town.divisions import Chain, Gazetteer, add_typos, load

log = logging.getLogger(__name__)
LEXICON = Path(__file__).resolve().parent / "lexicon"
DEFAULT_TOWN = Path(__file__).resolve().parents[2] / "data" / "town.toml"
_HERBAL = ("板蓝根", "连花清瘟", "莲花清瘟")
_lock = threading.Lock()
_loaded: Resources | None = None


@dataclass
class Resources:
    """The loaded tables and the segmenter."""

    menu: dict[str, str]
    words: dict[str, tuple[str, ...]]
    goods: Lexicon
    medicine: re.Pattern
    lookalikes: re.Pattern
    common: frozenset[str]
    gazetteer: Gazetteer
    tokenizer: object
    load_seconds: float = 0.0

    @cached_property
    def transport_words(self) -> tuple[str, ...]:
        """Every word that names a means of transport, of any kind."""
        return tuple(word for key, words in self.words.items() if key.startswith("transport_") for word in words)

    def cut(self, text: str) -> list[str]:
        """Segment without the HMM: known words only, so place names stay whole and nothing is invented."""
        return self.tokenizer.lcut(text, HMM=False)


def _lines(name: str) -> list[str]:
    lines = (LEXICON / name).read_text("utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _words_file(name: str) -> list[str]:
    return [w for line in _lines(name) for w in line.split()]


def _local_chain(town_file: Path) -> Chain:
    try:
        town = tomllib.loads(town_file.read_text("utf-8"))["town"]
        return (town["province"], town["city"], town["county"], town["name"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        log.warning("NLU: cannot read the town from %s; no local county", town_file)
        return ("", "", "", "")


def _configured_town() -> Path:
    """TOWN_FILE from the service settings (environment or .env), else the demo town."""
    try:
        from town.settings import get_settings

        return Path(get_settings().town_file)
    except Exception:  # settings that cannot load must not stop the NLU: it only needs the county
        return Path(os.environ.get("TOWN_FILE") or DEFAULT_TOWN)


def _jieba():
    """The jieba module, imported without pkg_resources (it then opens its dictionary by path, the same file)."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        # pkg_resources costs jieba's import ~80 ms of start-up, for a path jieba can also find by itself.
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _tokenizer(gaz: Gazetteer, extra: list[str]):
    tok = _jieba().Tokenizer()
    tok.initialize()
    for word, freq in gaz.words():
        tok.add_word(word, freq)
    for word in extra:
        tok.add_word(word, 2000)
    return tok


def _places_and_tokenizer(local: Chain, extra: list[str]) -> tuple[Gazetteer, object]:
    """The gazetteer and the segmenter that knows its names, from the cache file when it is current."""
    jieba = _jieba()
    sources = [*sorted(LEXICON.iterdir()), *sorted(divisions.DATA.iterdir())]
    code = [Path(__file__), Path(cache.__file__), Path(divisions.__file__), Path(jieba.__file__).with_name("dict.txt")]
    path = cache.cache_file([*sources, *code], local, extra, jieba.__version__)
    cached = cache.read(path)
    if isinstance(cached, tuple) and len(cached) == 5:
        names, villages, abroad, freq, total = cached
        tok = jieba.Tokenizer()
        tok.FREQ, tok.total, tok.initialized = freq, total, True
        return Gazetteer(names=names, villages=villages, abroad=abroad, local=local), tok
    gaz = load(local)
    add_typos(gaz, [tuple(line.split("\t")) for line in _lines("place_typos.txt")])
    tok = _tokenizer(gaz, extra)
    cache.write(path, (gaz.names, gaz.villages, gaz.abroad, tok.FREQ, tok.total))
    return gaz, tok


def build(town_file: Path | None = None) -> Resources:
    """Load every table and the segmenter (1-2 s: call from warm_up)."""
    started = time.perf_counter()
    keywords = tomllib.loads((LEXICON / "keywords.toml").read_text("utf-8"))
    menu = {w.lower(): intent for intent, ws in keywords["menu"].items() for w in ws}
    words = {k: tuple(v) for k, v in keywords["words"].items()}
    goods = compile_lexicon(_words_file("goods.txt"), _words_file("units.txt"))
    medicine = [g for g in goods.goods if len(g) >= 2 and ("药" in g or "感冒" in g or g in _HERBAL)]
    medicine_re = re.compile("|".join(sorted(medicine, key=len, reverse=True)))
    lookalikes = re.compile("(" + "|".join(_words_file("lookalikes.txt")) + ")(?![区县市镇乡州])")
    town = Path(town_file or _configured_town())
    gaz, tok = _places_and_tokenizer(_local_chain(town), [g for g in goods.goods if len(g) >= 2])
    return Resources(
        menu,
        words,
        goods,
        medicine_re,
        lookalikes,
        frozenset(_words_file("common_names.txt")),
        gaz,
        tok,
        time.perf_counter() - started,
    )


def get(town_file: Path | None = None) -> Resources:
    """The loaded resources, loading them now (once, under a lock) if warm_up was not called."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = build(town_file)
    return _loaded

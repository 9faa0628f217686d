"""The national division list (data/divisions): names and aliases -> (province, city, district, township)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path

Chain = tuple[str, str, str, str]  # province, city, district, township; "" where not known
LEVELS = ("province", "city", "district")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
DATA = Path(__file__).resolve().parents[1] / "data" / "divisions"


def level(chain: Chain) -> int:
    """0 province .. 3 township: the deepest level present."""
    return max(i for i, part in enumerate(chain) if part) if any(chain) else -1


def compatible(a: Chain, b: Chain) -> bool:
    """One chain can extend the other (郑州市 and 郑州市/金水区)."""
    return all(x == y or not x or not y for x, y in zip(a, b, strict=True))


def merge(a: Chain, b: Chain) -> Chain:
    """The union of two compatible chains."""
    return tuple(x or y for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def common_prefix(chains: list[Chain]) -> Chain:
    """The levels every candidate agrees on: what is certain about an ambiguous name."""
    out = []
    for parts in zip(*chains, strict=True):
        if len(set(parts)) != 1:
            break
        out.append(parts[0])
    return tuple(out + [""] * (4 - len(out)))  # type: ignore[return-value]


def as_slot(chain: Chain) -> dict:
    """{"province", "city", "district"}: only the levels that are known."""
    return {name: part for name, part in zip(LEVELS, chain, strict=False) if part}


@dataclass
class Gazetteer:
    """Every alias with the divisions it may mean, the local county's villages, and foreign names."""

    names: dict[str, list[Chain]] = field(default_factory=dict)
    villages: dict[str, str] = field(default_factory=dict)
    abroad: set[str] = field(default_factory=set)
    local: Chain = ("", "", "", "")

    def add(self, alias: str, chain: Chain) -> None:
        """Index one alias."""
        chains = self.names.setdefault(alias, [])
        if chain not in chains:
            chains.append(chain)

    def words(self) -> list[tuple[str, int]]:
        """Words for the segmenter, with frequencies that keep place names whole."""
        out = [(name, 3000 if level(chains[0]) < 3 else 500) for name, chains in self.names.items()]
        return out + [(name, 3000) for name in (*self.villages, *self.abroad)]

    def is_local(self, chain: Chain) -> bool:
        """Inside the town's own county."""
        return bool(chain[2]) and chain[:3] == self.local[:3]


def load(local: Chain, data: Path = DATA) -> Gazetteer:
    """Read the generated division files."""
    gaz = Gazetteer(local=local)
    with gzip.open(data / "divisions.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            kind, _code, prov, city, dist, town, village, aliases = line.rstrip("\n").split("\t")
            chain = (prov, prov if prov in MUNICIPALITIES else city, dist, town)
            if kind == "V":
                for alias in aliases.split("|"):
                    gaz.villages[alias] = village
                continue
            for alias in aliases.split("|"):
                if len(alias) >= 2:
                    gaz.add(alias, chain)
    with gzip.open(data / "world.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            gaz.abroad.update(a for a in line.rstrip("\n").split("\t")[1].split("|") if len(a) >= 2)
    for alias in gaz.villages:  # locally, 张村 and 孟村 are the town's villages, not namesakes far away
        gaz.names.pop(alias, None)
    for chains in gaz.names.values():
        chains.sort(key=level)
    return gaz


def add_typos(gaz: Gazetteer, pairs: list[tuple[str, str]]) -> None:
    """Misspelt names (郑洲, 落阳) mean what the name they imitate means."""
    for typo, alias in pairs:
        for chain in gaz.names.get(alias, []):
            gaz.add(typo, chain)

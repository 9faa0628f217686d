"""Regenerate data/divisions/ from jionlp's national division list (Apache-2.0).

jionlp is NOT a runtime dependency: install it in a throwaway venv used only by this script (jieba there too:
its dictionary tells which township stems are everyday words, kept out as aliases).

    python3 -m venv .venv-gen && .venv-gen/bin/pip install 'jionlp==1.5.31' 'jieba==0.42.1'
    .venv-gen/bin/python scripts/gen_divisions.py            # writes data/divisions/*.gz

Output (gzip'd UTF-8 TSV, one entity a line):
    divisions.tsv.gz  level  code  province  city  district  township  village  aliases(|-separated)
                      level is P (province), C (city), D (county level), T (township), V (village: demo town)
    world.tsv.gz      country  aliases(|-separated)  (countries and their big cities: "abroad")
The town whose villages are listed comes from data/town.toml.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "divisions"
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
TOWNSHIP_SUFFIX = re.compile(r"(镇|乡|街道|苏木)$")
# Functional zones people name, beyond those jionlp lists as county-level units.
EXTRA_DISTRICTS = [("河南省", "郑州市", "郑东新区", ["郑东"])]


def jionlp_dir() -> Path:
    """Where jionlp's dictionaries are installed."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("jionlp is not installed in this interpreter (see the top of this script)")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


def read_tree(src: Path) -> list[tuple[int, list[str]]]:
    """The indented china_location.txt as (depth, fields) rows."""
    with zipfile.ZipFile(src / "china_location.zip") as zf:
        text = zf.read("china_location.txt").decode("utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip():
            depth = len(line) - len(line.lstrip("\t"))
            rows.append((depth, line.strip().split("\t")))
    return rows


def suffixed(full: str, short: str) -> set[str]:
    """Aliases of a county-level or city name: the short form, also with the suffix people use."""
    out = {full, short}
    for suffix in ("区", "市", "县", "州", "旗"):
        if full.endswith(suffix) and not short.endswith(suffix) and not full.endswith("自治州"):
            out.add(short + suffix)
    if full.endswith("自治州"):
        out.add(short + "州")
    if full.endswith("自治县"):
        out.add(short + "县")
    return {a for a in out if len(a) >= 2}


def zone_aliases(full: str, short: str, city_short: str) -> set[str]:
    """Aliases of a functional zone (高新区, 经开区, 航空港区): bare only when distinctive."""
    out = {full, city_short + short}
    if short in ("高新区", "经开区"):
        out |= {short, city_short + "高新区" if short == "高新区" else city_short + "经开区"}
        out.add(city_short + ("高新技术开发区" if short == "高新区" else "经济技术开发区"))
    elif not short.endswith("区"):
        out |= {short + "区", city_short + short + "区"}
        if len(short) >= 3:
            out.add(short)
    return out


def build(rows: list[tuple[int, list[str]]], town: dict) -> list[list[str]]:
    """Division rows with aliases, from jionlp's tree."""
    out: list[list[str]] = []
    prov = city = city_short = dist = current_township = ""
    local = (town["province"], town["city"], town["county"], town["name"])
    for depth, f in rows:
        if depth == 0:
            prov, short = f[0], f[2]
            aliases = {prov, short} | ({"内蒙"} if short == "内蒙古" else set())
            out.append(["P", f[1], prov, "", "", "", "", aliases])
        elif depth == 1:
            city, city_short = f[0], f[2]
            if "直辖" in city:
                city = ""  # county-level cities directly under the province: promoted to city level
                continue
            if prov in MUNICIPALITIES:
                city = prov
            out.append(["C", f[1], prov, city, "", "", "", set(f[2].split("/")) | suffixed(city, f[2])])
        elif depth == 2 and len(f) == 3:
            name, code, short = f
            if not city:
                out.append(["C", code, prov, name, "", "", "", suffixed(name, short)])
                dist = ""
                continue
            dist = name
            zone = code[-2:-1] == "7" and prov not in MUNICIPALITIES
            aliases = zone_aliases(name, short, city_short) if zone else suffixed(name, short)
            out.append(["D", code, prov, city, dist, "", "", aliases])
        elif depth == 3 and TOWNSHIP_SUFFIX.search(f[0]):
            aliases = {f[0]}
            if (prov, city, dist) == local[:3]:
                stem = TOWNSHIP_SUFFIX.sub("", f[0])
                aliases |= {stem} if len(stem) >= 2 else set()
            out.append(["T", "", prov, city or dist, dist if city else "", f[0], "", aliases])
            current_township = f[0]
        elif depth == 4 and (prov, city, dist, current_township) == local:
            stem = f[0][:-1] if f[0].endswith("村") and len(f[0]) > 2 else f[0]
            out.append(["V", "", prov, city, dist, current_township, f[0], {f[0], stem}])
    return out


def add_changes(out: list[list[str]], src: Path) -> None:
    """Old county names (偃师市 -> 偃师区) become aliases of the unit that replaced them."""
    index = {(r[2], r[3], r[4]): r for r in out if r[0] == "D"}
    for line in (src / "china_location_change.txt").read_text("utf-8").splitlines():
        old, new = line.split("=>")
        old_f, new_f = old.split("\t"), new.split("\t")
        if len(old_f) == 8 and len(new_f) == 3 and tuple(new_f) in index:
            index[tuple(new_f)][7] |= suffixed(old_f[6], old_f[7])


def add_township_stems(out: list[list[str]]) -> None:
    """禄口 for 禄口街道: only stems unique in the country, not a county name, not a common word."""
    import jieba

    jieba.initialize()
    taken = {a for r in out if r[0] in "PCD" for a in r[7]}
    stems: dict[str, list[list[str]]] = {}
    for row in out:
        if row[0] == "T":
            stem = TOWNSHIP_SUFFIX.sub("", row[5])
            if len(stem) >= 2 and not jieba.dt.FREQ.get(stem) and stem not in taken:
                stems.setdefault(stem, []).append(row)
    for stem, rows in stems.items():
        if len(rows) == 1:
            rows[0][7].add(stem)


def add_extras(out: list[list[str]]) -> None:
    """Functional zones that jionlp does not list."""
    for prov, city, name, aliases in EXTRA_DISTRICTS:
        out.append(["D", "", prov, city, name, "", "", {name, *aliases}])


def world(src: Path) -> list[list[str]]:
    """Countries with their names and big cities."""
    rows = []
    for line in (src / "world_location.txt").read_text("utf-8").splitlines():
        f = line.strip().split("\t")
        if len(f) < 2 or f[0] == "中国" or line.endswith(":"):
            continue
        names = {f[0], f[1]} | ({f[2]} if len(f) > 2 else set())
        names |= set(f[3].split("/")) if len(f) > 3 else set()
        rows.append([f[0], {n for n in names if len(n) >= 2 and n != "新加坡" or n == f[0]}])
    return rows


def write(path: Path, rows: list[list]) -> None:
    """Gzip'd TSV, aliases sorted and no timestamp: the same input gives the same bytes."""
    text = "".join("\t".join([*row[:-1], "|".join(sorted(row[-1]))]) + "\n" for row in rows)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))


def main() -> None:
    """Read jionlp's lists and write data/divisions."""
    src = jionlp_dir()
    town = tomllib.loads((ROOT / "data" / "town.toml").read_text("utf-8"))["town"]
    rows = build(read_tree(src), town)
    add_changes(rows, src)
    add_township_stems(rows)
    add_extras(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    write(OUT / "divisions.tsv.gz", rows)
    write(OUT / "world.tsv.gz", world(src))
    counts = {lv: sum(r[0] == lv for r in rows) for lv in "PCDTV"}
    print(f"wrote {OUT}: {counts}")


if __name__ == "__main__":
    main()

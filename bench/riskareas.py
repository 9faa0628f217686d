"""Risk-area list benchmark: import a 40,000-entry CSV list and match declared origins against it.

Usage (from the project directory):
    .venv/bin/python bench/riskareas.py                 # 40,000 entries, 100,000 matches
    .venv/bin/python bench/riskareas.py --entries 5000  # smaller

The list is generated from the national division data (real provinces, cities, districts and streets): one entry
per street/township, most with a community, a few whole districts. The import (parse + normalise + one
transaction into a fresh SQLite file, schema by the migrations) is timed end to end; target < 5 s. Matching is
timed one call at a time over origins drawn from the same divisions (half a listed street, half a street the
list lacks); target p99 < 1 ms. The baseline is a bare dict lookup of the same (province, city, district,
township) keys, timed the same way in the same run. The last line is `riskareas match ratio R`,
R = match p50 / baseline p50.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.db import make_engine  # noqa: E402
from models.migrate import upgrade_database  # noqa: E402
from town.divisions import DATA, MUNICIPALITIES  # noqa: E402
from town.riskareas import import_list, load_index  # noqa: E402


def townships() -> list[tuple[str, str, str, str]]:
    """Every (province, city, district, township) of the division data."""
    out = []
    with gzip.open(DATA / "divisions.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            kind, _code, prov, city, dist, town, _village, _aliases = line.rstrip("\n").split("\t")
            if kind == "T" and city and dist and town.endswith(("街道", "镇", "乡")):
                out.append((prov, prov if prov in MUNICIPALITIES else city, dist, town))
    return out


def write_list(path: Path, chains: list[tuple[str, str, str, str]], size: int, rng: random.Random) -> None:
    """A CSV list of `size` entries over these streets."""
    levels = ("high", "medium", "low")
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["level", "province", "city", "district", "area"])
        for i in range(size):
            prov, city, dist, town = chains[i % len(chains)]
            area = town if rng.random() < 0.3 else f"{town}第{i}社区{rng.randint(1, 30)}号楼"
            out.writerow([rng.choice(levels), prov, city, dist, "全域" if i % 97 == 0 else area])


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in microseconds."""
    samples = sorted(samples)
    return samples[len(samples) // 2] * 1e6, samples[int(len(samples) * 0.99)] * 1e6


def time_calls(fn, keys: list[tuple]) -> list[float]:
    """Each call timed on its own."""
    clock, out = time.perf_counter, []
    for key in keys:
        start = clock()
        fn(*key)
        out.append(clock() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=40_000)
    parser.add_argument("--matches", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(5)
    chains = townships()
    rng.shuffle(chains)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.csv"
        write_list(path, chains, args.entries, rng)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_database(engine)
        started = time.perf_counter()
        result = import_list(engine, path)
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        index = load_index(engine, result.list_id)
        index_s = time.perf_counter() - started
        engine.dispose()
    # Half the origins name a street the list does not hold: the lookup falls back to the district.
    drawn = [rng.choice(chains) for _ in range(args.matches)]
    keys = [(*c[:3], "未列出街道") if i % 2 else c for i, c in enumerate(drawn)]
    table = {key: key for key in chains}
    matched = time_calls(index.match, keys)
    baseline = time_calls(lambda *key: table.get(key), keys)
    (m50, m99), (b50, b99) = percentiles(matched), percentiles(baseline)
    hits = sum(index.match(*key) is not None for key in keys[:10_000])
    print(f"entries {index.size}  counts {result.counts}")
    print(f"import {import_s:.2f} s (target < 5 s)   index build {index_s:.2f} s")
    print(f"match p50 {m50:.2f} us  p99 {m99:.2f} us (target < 1000 us)  hits {hits / 100:.0f}% of 10,000")
    print(f"baseline dict lookup p50 {b50:.2f} us  p99 {b99:.2f} us")
    print(f"riskareas match ratio {m50 / b50:.2f}")


if __name__ == "__main__":
    main()

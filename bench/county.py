"""County benchmark (issue 17): a county-sized database on PostgreSQL, and how long each heavy operation takes.

Usage (from the project directory; needs a PostgreSQL server that may create a database):
    .venv/bin/python bench/county.py --people 10000                # one size
    .venv/bin/python bench/county.py --people 10000 100000         # two sizes, and the growth between them
    COUNTY_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres (the default) names the server

Per size, a fresh database: a generated town file (600 villages in 20 work areas) loaded by the project's own
start-up; a village cadre and a doctor per village, a lead per work area and the town command; N villagers with
20 handled inbound messages each (the last 60 days) by COPY; declarations for 5 % of people (arrived in the last
10 days) classified through the policy against a 2,000-entry list, with the quarantines the policy orders opened
through the care lifecycle (about 1 % of people). Then, one after the other at 20:30 town time: the import of a
new list version (re-classifying every active declaration), the risk push after it, `announce --to all`,
`export-ledger` (a subprocess: wall time with its ~2 s start-up, and its peak RSS), each care job's first run of
the day, the evening brief, and the retention job at 31 days (about half the inbound rows). With several sizes,
the last columns are the growth ratios between them (linear: the ratio of the sizes). The database is dropped
afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ZONE = ZoneInfo("Asia/Shanghai")
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪"
    "田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
PLACES = "庄营寨沟屯湾"  # 100 surnames x 6 = 600 villages
WORK_AREAS, LIST_SIZE, INBOUND_PER_PERSON = 20, 2000, 20


def town_file(path: Path) -> list[str]:
    """A county-sized town file: 600 villages in 20 work areas; the village names, in order."""
    villages = [f"{s}{p}村" for s in SURNAMES for p in PLACES]
    per_area = len(villages) // WORK_AREAS
    lines = [
        '[town]\nname = "伊川县"\nprovince = "河南省"\ncity = "洛阳市"\ncounty = "伊川县"\ncounty_code = "410329"\n'
    ]
    for n in range(WORK_AREAS):
        names = ", ".join(f'"{v}"' for v in villages[n * per_area : (n + 1) * per_area])
        lines.append(f'[[work_areas]]\nname = "第{n + 1}工作区"\nvillages = [{names}]\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return villages


def townships() -> list[tuple[str, str, str, str]]:
    """(province, city, district, township) of the national division data, outside 河南省."""
    from town.divisions import DATA, MUNICIPALITIES

    out = []
    with gzip.open(DATA / "divisions.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            kind, _code, prov, city, dist, town, _village, _aliases = line.rstrip("\n").split("\t")
            if kind == "T" and city and dist and town.endswith(("街道", "镇", "乡")) and prov != "河南省":
                out.append((prov, prov if prov in MUNICIPALITIES else city, dist, town))
    return out


def write_list(path: Path, entries: dict[tuple, str]) -> None:
    """A CSV list: (province, city, district, township) -> level, the whole township listed."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["level", "province", "city", "district", "area"])
        for (prov, city, dist, town), level in entries.items():
            out.writerow([level, prov, city, dist, town])


class County:
    """One size's database, built and then timed."""

    def __init__(self, base_url: str, people: int, folder: Path, rng: random.Random):
        self.base_url, self.people, self.folder, self.rng = base_url, people, folder, rng
        self.name = f"xiangan_county_{people}_{uuid.uuid4().hex[:6]}"
        self.url = make_url(base_url).set(database=self.name).render_as_string(hide_password=False)
        local = dt.datetime.now(ZONE)
        self.evening = local.replace(hour=20, minute=30, second=0, microsecond=0).astimezone(dt.UTC)
        self.today = local.date()
        self.figures: dict[str, float] = {}
        self.retention_budget = float("inf")

    def create(self, template: str | None = None) -> None:
        """A fresh database, or a copy of a built one (`--template`)."""
        strategy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with create_engine(self.base_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"{strategy}'))
        os.environ.update(DATABASE_URL=self.url, TOWN_FILE=str(self.folder / "town.toml"), WECHAT_APP_ID="")
        os.environ.update(WECHAT_TOKEN="county-bench", LOG_LEVEL="warning", SCHEDULER="false")
        self.villages = town_file(self.folder / "town.toml")
        from bot.startup import prepare_database
        from town.settings import get_settings

        get_settings.cache_clear()
        self.settings = get_settings()
        self.db = prepare_database(self.settings)

    def save_as(self, template: str) -> None:
        """Keep the built database as a template that later runs copy instead of building again."""
        self.db.dispose()
        with create_engine(self.base_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{template}" TEMPLATE "{self.name}" STRATEGY FILE_COPY'))

    def reuse(self) -> None:
        """What `build` leaves in memory, for a database copied from a template."""
        self.village_ids = self._village_ids()
        self.write_lists()
        self.analyze()
        print(f"  copied {self.people:,} people from the template: {self.counts()}", flush=True)

    def drop(self) -> None:
        self.db.dispose()
        with create_engine(self.base_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    def build(self) -> None:
        """Every row of the county, the big tables by COPY, the rest through the project's functions."""
        started = time.perf_counter()
        self.village_ids = self._village_ids()
        self._cadres()
        self._copy_people()
        self._lists()
        self._declarations()
        self.analyze()
        print(f"  built {self.people:,} people in {time.perf_counter() - started:.0f} s: {self.counts()}", flush=True)

    def analyze(self) -> None:
        """Planner statistics after the bulk load, as autovacuum would gather them on a database in service."""
        with self.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))

    def _village_ids(self) -> list[int]:
        from models.town import Village

        with self.db.connect() as conn:
            return [row[0] for row in conn.execute(select(Village.id).order_by(Village.id))]

    def _cadres(self) -> None:
        from models.cadre import CadreAssignment
        from models.db import transaction
        from models.person import Person

        roles = [("village_cadre", v) for v in self.village_ids] + [("village_doctor", v) for v in self.village_ids]
        roles += [("work_area_lead", self.village_ids[n * 30]) for n in range(WORK_AREAS)]
        roles.append(("town_command", self.village_ids[0]))
        with transaction(self.db) as session:
            for n, (role, village) in enumerate(roles):
                person = Person(openid=f"cadre-{n}", name=f"干部{n}", phone="13800000000", village_id=village)
                session.add(person)
                session.flush()
                session.add(
                    CadreAssignment(person_id=person.id, role=role, village_id=village, created_at=self.evening)
                )

    def _copy_people(self) -> None:
        """Villagers (30 % inside the 48 h window) and 20 handled inbound messages each, by COPY."""
        now, raw = self.evening, self.db.raw_connection()
        try:
            with raw.driver_connection.cursor() as cur:
                columns = "openid, name, phone, village_id, subscribed, announcements_opted_out, risk_list_opted_out,"
                columns += " subscribed_at, last_inbound_at, cs_used, created_at"
                with cur.copy(f"COPY person ({columns}) FROM STDIN") as copy:
                    for i in range(self.people):
                        last = now - dt.timedelta(hours=1 if i % 10 < 3 else 24 * (3 + i % 50))
                        village = self.village_ids[i % len(self.village_ids)]
                        row = (
                            f"cv-{i:07d}",
                            f"村民{i}",
                            f"139{i:08d}",
                            village,
                            True,
                            False,
                            False,
                            last,
                            last,
                            0,
                            last,
                        )
                        copy.write_row(row)
                columns = "openid, dedupe_key, msg_type, text, raw, received_at, status, handled_at, answered_in_time"
                with cur.copy(f"COPY inbound_message ({columns}) FROM STDIN") as copy:
                    for i in range(self.people):
                        for k in range(INBOUND_PER_PERSON):
                            at = now - dt.timedelta(minutes=(i * 7 + k * 4327) % (60 * 24 * 60))
                            copy.write_row(
                                (f"cv-{i:07d}", f"m{k}", "text", "我的信息", "<xml/>", at, "handled", at, True)
                            )
            raw.commit()
        finally:
            raw.close()

    def _lists(self) -> None:
        """Version 1 imported now; version 2 written for the timed import."""
        from town.reclassify import ingest
        from town.riskareas import parse_file

        self.write_lists()
        ingest(self.db, parse_file(self.folder / "v1.csv"), policy=self.policy, now=self.evening - dt.timedelta(days=1))

    def write_lists(self) -> None:
        """Both list versions (v2: levels moved, some entries gone or new), the same for the same seed."""
        from town.policy import load_policy

        chains = townships()
        self.rng.shuffle(chains)
        levels = ["high"] * 2 + ["medium"] * 8 + ["low"] * 10
        self.v1 = {chain: self.rng.choice(levels) for chain in chains[:LIST_SIZE]}
        # Unlisted origins outside any listed district: the policy sends them home free (no 关联区域 monitoring).
        risky = {chain[:3] for chain, level in self.v1.items() if level in ("high", "medium")}
        self.unlisted = [chain for chain in chains[LIST_SIZE:] if chain[:3] not in risky][:5000]
        v2 = {
            chain: ("high" if level == "medium" and self.rng.random() < 0.3 else level)
            for chain, level in self.v1.items()
        }
        for chain in [c for c, level in self.v1.items() if level == "high"][::3]:
            del v2[chain]
        v2.update({chain: "medium" for chain in self.unlisted[:200]})
        write_list(self.folder / "v1.csv", self.v1)
        write_list(self.folder / "v2.csv", v2)
        self.policy = load_policy(self.settings.policy_file)

    def _declarations(self) -> None:
        """5 % of people declared, classified by the policy; the quarantines it orders opened (care and all)."""
        from models.db import transaction
        from models.declaration import Declaration, save_classification
        from town.care import apply_quarantine
        from town.policy import ListInfo, classify
        from town.reclassify import facts_of
        from town.riskareas import load_index

        index = load_index(self.db)
        info, listed = ListInfo(index.list_id), [c for c, level in self.v1.items() if level in ("high", "medium")]
        person_ids = self._villager_ids()
        now = self.evening - dt.timedelta(hours=12)
        for start in range(0, len(person_ids), 1000):
            with transaction(self.db) as session:
                for person_id, village_id in person_ids[start : start + 1000]:
                    draw = self.rng.random()
                    origin = self.rng.choice(listed if draw < 0.2 else self.unlisted)
                    arrived = self.today - dt.timedelta(days=self.rng.randint(0, 9))
                    declaration = Declaration(
                        person_id=person_id,
                        village_id=village_id,
                        name="返乡人",
                        phone="13900000000",
                        origin_province=origin[0],
                        origin_city=origin[1],
                        origin_district=origin[2],
                        origin_township=origin[3],
                        left_on=arrived - dt.timedelta(days=1),
                        arrived_on=arrived,
                        health_code="green",
                        active_until=arrived + dt.timedelta(days=14),
                        created_at=now,
                    )
                    session.add(declaration)
                    session.flush()
                    result = classify(self.policy, index, info, facts_of(declaration), self.today)
                    row = save_classification(session, declaration_id=declaration.id, result=result, now=now)
                    if result.end is not None:
                        apply_quarantine(
                            session,
                            declaration=declaration,
                            classification=row,
                            now=now,
                            home_start_on=result.home_start,
                        )

    def _villager_ids(self) -> list[tuple[int, int]]:
        from models.person import Person

        with self.db.connect() as conn:
            rows = conn.execute(
                select(Person.id, Person.village_id).where(Person.openid.like("cv-%")).order_by(Person.id)
            )
            return [tuple(row) for row in rows][::20]

    def counts(self) -> str:
        with self.db.connect() as conn:
            tables = ("person", "declaration", "quarantine", "inbound_message", "outbox_message")
            found = {t: conn.execute(select(func.count()).select_from(text(t))).scalar_one() for t in tables}
            found["active quarantine"] = conn.execute(
                text("SELECT COUNT(*) FROM quarantine WHERE status = 'active'")
            ).scalar()
        return ", ".join(f"{name} {n:,}" for name, n in found.items())

    def timed(self, name: str, operation: Callable[[], object]) -> None:
        started = time.perf_counter()
        outcome = operation()
        self.figures[name] = time.perf_counter() - started
        print(f"  {name:<28} {self.figures[name]:8.2f} s  {outcome if outcome is not None else ''}", flush=True)

    def run(self, skip: tuple[str, ...] = ()) -> dict[str, float]:
        """The issue's operations, in its order (those named in `skip` left out)."""
        from broadcasts import brief, risk_push
        from broadcasts.care import CARE_JOBS
        from broadcasts.scheduler import run_job
        from town.reclassify import ingest
        from town.riskareas import parse_file

        def reclassify():
            _result, summary = ingest(self.db, parse_file(self.folder / "v2.csv"), policy=self.policy, now=self.evening)
            return summary.line() if summary else ""

        self.timed("import-risk-list (reclassify)", reclassify)
        self.timed("risk_push job", lambda: f"{run_job(self.db, risk_push.job, self.evening, self.settings)} queued")
        self.timed("announce planning (preview)", self._preview)
        self.timed("announce --to all", self._announce)
        if "export-ledger" not in skip:
            self.export()
        for name, job in CARE_JOBS:
            at = self.care_time(name)
            self.timed(f"care: {name}", lambda job=job, at=at: f"{run_job(self.db, job, at, self.settings)} done")
        self.figures["care jobs (all)"] = sum(v for k, v in self.figures.items() if k.startswith("care: "))
        self.timed("brief job", lambda: f"{run_job(self.db, brief.job, self.evening, self.settings)} queued")
        self.timed("retention, 31 days", self._retention)
        return self.figures

    def _retention(self) -> str:
        """The retention job with its shortest setting: about half the inbound rows archived, then deleted (within
        `retention_budget` seconds, when given: the job's own budget is 50 s a run)."""
        from broadcasts.retention import archive_old

        folder = self.folder / "archive"
        started = time.perf_counter()
        done = archive_old(self.db, now=self.evening, days=31, archive_dir=folder, budget_s=self.retention_budget)
        self.figures["retention rows/s"] = done / (time.perf_counter() - started)
        size = sum(path.stat().st_size for path in folder.rglob("*.gz")) / 2**20
        return f"{done:,} rows archived ({size:.1f} MiB) and deleted"

    def care_time(self, name: str) -> dt.datetime:
        """A care job's first run of the day: five minutes after its setting's time (the rest at 20:30)."""
        setting = {
            "checkin_remind": "checkin_remind_at",
            "checkin_second": "checkin_second_at",
            "checkin_alert": "checkin_alert_at",
            "sampling_eve": "sampling_remind_at",
        }.get(name)
        if setting is None:
            return self.evening
        hour, minute = map(int, getattr(self.settings, setting).split(",")[0].split(":"))
        local = dt.datetime.combine(self.today, dt.time(hour, minute), ZONE) + dt.timedelta(minutes=5)
        return local.astimezone(dt.UTC)

    def _announce(self) -> str:
        from broadcasts.announcements import announce
        from models.db import transaction

        with transaction(self.db) as session:
            _stored, plan = announce(
                session, self.settings, text="县里通知：明天全员核酸。", to="all", now=self.evening
            )
        return str(plan)[:80]

    def _preview(self) -> str:
        """`announce --to all --at` tomorrow: the audience planned and counted by channel, nothing queued."""
        from broadcasts.announcements import announce
        from models.db import transaction

        with transaction(self.db) as session:
            _stored, plan = announce(
                session, self.settings, text="县里通知：后天全员核酸。", to="all", now=self.evening,
                at=self.evening + dt.timedelta(days=1),
            )  # fmt: skip
        return str(plan)[:80]

    def export(self) -> None:
        """`python main.py export-ledger` as an operator runs it: wall time (with start-up) and its peak RSS."""
        out = self.folder / "台账.xlsx"
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, "-c", _PEAK_OF_CHILD, sys.executable, "main.py", "export-ledger", str(out)],
            cwd=PROJECT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        status = child.returncode
        self.figures["export-ledger"] = time.perf_counter() - started
        self.figures["export-ledger peak MiB"] = int(child.stderr.strip().splitlines()[-1]) / 1024
        size = out.stat().st_size / 1024 if out.exists() else 0
        print(
            f"  {'export-ledger':<28} {self.figures['export-ledger']:8.2f} s  exit {status},"
            f" peak RSS {self.figures['export-ledger peak MiB']:.0f} MiB, {size:,.0f} KiB written",
            flush=True,
        )


# A child's peak RSS counts the memory of the process it was forked from (Linux keeps the larger of the two at
# exec): the export is started from this small process, not from the bench that holds the county in memory.
_PEAK_OF_CHILD = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def table(results: dict[int, dict[str, float]]) -> str:
    """Operations by size, then the growth from each size to the next."""
    sizes = sorted(results)
    header = "| operation | " + " | ".join(f"{n:,}" for n in sizes)
    header += "".join(f" | x{b // a} size: growth" for a, b in zip(sizes, sizes[1:], strict=False)) + " |"
    lines = [header, "|---" * (1 + 2 * len(sizes) - 1) + "|"]
    for name in results[sizes[0]]:
        values = [results[n].get(name, float("nan")) for n in sizes]
        unit = " MiB" if "MiB" in name else "" if "/s" in name else " s"
        cells = [f"{v:,.0f}" if "/s" in name else f"{v:.2f}{unit}" for v in values]
        cells += [f"x{b / a:.1f}" if a > 0 else "-" for a, b in zip(values, values[1:], strict=False)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[10_000])
    parser.add_argument("--keep", action="store_true", help="keep each size's database (its name is printed)")
    parser.add_argument(
        "--template",
        action="store_true",
        help="copy each size's built database from xiangan_county_tpl_N, building and keeping it the first time",
    )
    parser.add_argument("--build-only", action="store_true", help="with --template: build the templates, time nothing")
    parser.add_argument("--skip", nargs="*", default=[], choices=["export-ledger"], help="operations not to time")
    parser.add_argument(
        "--retention-budget", type=float, default=float("inf"), help="seconds the retention job may run (as its 50)"
    )
    args = parser.parse_args()
    base = os.environ.get("COUNTY_DATABASE_URL", DEFAULT_URL)
    results: dict[int, dict[str, float]] = {}
    for people in sorted(args.people):
        with tempfile.TemporaryDirectory() as tmp:
            county = County(base, people, Path(tmp), random.Random(17))
            county.retention_budget = args.retention_budget
            print(f"{people:,} people: database {county.name}", flush=True)
            template = f"xiangan_county_tpl_{people}" if args.template else None
            built = template is not None and exists(base, template)
            county.create(template if built else None)
            try:
                if built:
                    county.reuse()
                else:
                    county.build()
                    if template:
                        county.save_as(template)
                if not args.build_only:
                    results[people] = county.run(tuple(args.skip))
            finally:
                if not args.keep:
                    county.drop()
    if results:
        print(table(results))


def exists(base: str, database: str) -> bool:
    """Whether the server has that database."""
    with create_engine(base, isolation_level="AUTOCOMMIT").connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database})
        return found.first() is not None


if __name__ == "__main__":
    main()

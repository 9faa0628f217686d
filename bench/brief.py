"""Brief and care-job benchmark: the evening brief and each care job's first run, timed and their statements counted.

Usage (from the project directory):
    .venv/bin/python bench/brief.py                        # 200 then 2,000 households
    .venv/bin/python bench/brief.py --households 500,5000
    .venv/bin/python bench/brief.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

For each size a fresh database (SQLite file in a temporary directory, or a temporary PostgreSQL database created and
dropped) gets the demo town (39 villages), a 四包一 roster in every village (township cadre, village cadre, doctor,
grid worker) and the town command, and N households isolated on 8月6日 through the project's own `apply_quarantine`
(their four, their sampling rounds), spread over the villages, every other one with a family member; each village
also has a fever report, a supply request, a gathering, a vaccination and an open question. Then (a) the baseline:
a bare SELECT of the same households' rows (record and declaration) is timed; (b) the evening brief of 8月6日 and
(c) each care job at the first moment it has work (the check-in reminders and alert on 8月7日, the sampling eve and
missed rounds, the end notices and the closing) are timed and their statements counted (SQLAlchemy's cursor events
and models/sql.py's calls, an executemany counting once). Each line: seconds, statements, and the ratio to (a).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from scratch import scratch_database  # noqa: E402
from sqlalchemy import text  # noqa: E402

from broadcasts import brief  # noqa: E402
from broadcasts.care import CARE_JOBS  # noqa: E402
from models.cadre import CadreAssignment  # noqa: E402
from models.db import make_engine, transaction  # noqa: E402
from models.declaration import Classification, Declaration, HouseholdMember  # noqa: E402
from models.event import EventReport  # noqa: E402
from models.fever import FeverReport  # noqa: E402
from models.migrate import upgrade_database  # noqa: E402
from models.person import Person  # noqa: E402
from models.question import PolicyQuestion  # noqa: E402
from models.supplies import SupplyRequest  # noqa: E402
from models.town import read_town_file, sync_town  # noqa: E402
from models.vaccination import Vaccination  # noqa: E402
from tests.support.statements import counting  # noqa: E402
from town import clock  # noqa: E402
from town.care import apply_quarantine  # noqa: E402
from town.settings import Settings  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2021, 8, 5), dt.date(2021, 8, 18)
SAMPLES = ("2021-08-05", "2021-08-08", "2021-08-11", "2021-08-18")
ROLES = ("township_cadre", "village_cadre", "village_doctor", "grid_worker")
BASELINE = (
    "SELECT q.id, q.kind, q.start_on, q.end_on, d.id, d.name, d.phone, d.person_id FROM quarantine q"
    " JOIN declaration d ON d.id = q.declaration_id WHERE q.status = 'active'"
)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2021, 8, day, hour, 0, tzinfo=TZ)


RUNS = (
    ("brief", at(6, 18)),
    ("checkin_remind", at(7, 8)),
    ("checkin_second", at(7, 12)),
    ("checkin_alert", at(7, 18)),
    ("sampling_eve", at(7, 19)),
    ("sampling_missed", at(8, 18)),
    ("care_end_notices", at(17, 9)),
    ("care_close", at(19, 9)),
)


def populate(db, settings: Settings, households: int) -> None:
    """The demo town, its cadres, a little of everything the brief counts, and the households (apply_quarantine)."""
    made = at(6, 10)
    with transaction(db) as session:
        sync_town(session, read_town_file(settings.town_file))
        villages = _village_ids(session)
        for vid in villages:
            for role in ROLES:
                cadre = Person(openid=f"bench-{role}-{vid}", name=f"{role}{vid}", phone="13900000000")
                session.add(cadre)
                session.flush()
                session.add(CadreAssignment(person_id=cadre.id, role=role, village_id=vid, created_at=made))
            _village_day(session, vid, made)
        command = Person(openid="bench-command", name="镇指挥部")
        session.add(command)
        session.flush()
        session.add(CadreAssignment(person_id=command.id, role="town_command", village_id=villages[0], created_at=made))
    for start in range(0, households, 200):
        with transaction(db) as session, clock.handling(made):
            for n in range(start, min(households, start + 200)):
                _isolate(session, n, villages[n % len(villages)], made)


def _village_ids(session) -> list[int]:
    return [row[0] for row in session.execute(text("SELECT id FROM village ORDER BY id"))]


def _village_day(session, vid: int, made: dt.datetime) -> None:
    home = Person(openid=f"bench-home-{vid}", name="村民")
    session.add(home)
    session.flush()
    session.add(FeverReport(person_id=home.id, village_id=vid, text="发烧", created_at=made))
    session.add(SupplyRequest(person_id=home.id, village_id=vid, text="要面", status="open", created_at=made))
    session.add(
        EventReport(
            person_id=home.id, village_id=vid, kind="wedding", event_on=dt.date(2021, 8, 20), guests=20,
            place="家里", text="报备", created_at=made,
        )
    )  # fmt: skip
    session.add(Vaccination(person_id=home.id, village_id=vid, name="某人", age_group="18+", doses=2, created_at=made))
    session.add(PolicyQuestion(person_id=home.id, village_id=vid, text="能赶集吗", status="open", created_at=made))


def _isolate(session, n: int, vid: int, made: dt.datetime) -> None:
    account = Person(openid=f"bench-person-{n}", name=f"返乡{n}", village_id=vid)
    session.add(account)
    session.flush()
    declaration = Declaration(
        person_id=account.id, village_id=vid, name=f"返乡{n}", phone="13812345678", arrived_on=START,
        health_code="green", active_until=END, created_at=made,
    )  # fmt: skip
    session.add(declaration)
    session.flush()
    if n % 2:
        session.add(HouseholdMember(declaration_id=declaration.id, name=f"家人{n}", relation="妻子"))
    row = Classification(
        declaration_id=declaration.id, rule_id="bench", policy_version="bench", disposition="居家隔离",
        start_on=START, end_on=END, sampling_dates=json.dumps(list(SAMPLES)), reason="基准", created_at=made,
    )  # fmt: skip
    session.add(row)
    session.flush()
    apply_quarantine(session, declaration=declaration, classification=row, now=made)


def baseline(db) -> tuple[float, int]:
    start = time.perf_counter()
    with db.begin() as connection:
        rows = connection.exec_driver_sql(BASELINE).fetchall()
    return time.perf_counter() - start, len(rows)


def timed(db, settings: Settings, name: str, moment: dt.datetime) -> tuple[float, int, int]:
    """Seconds, statements and messages of one job's run at that moment."""
    job = brief.write_briefs if name == "brief" else dict(CARE_JOBS)[name]
    start = time.perf_counter()
    with counting(db) as seen, transaction(db) as session:
        done = job(session, moment, settings)
    return time.perf_counter() - start, seen.count, done


def run(url: str, households: int, tmp: Path) -> None:
    settings = Settings(_env_file=None, database_url=url, spool_dir=tmp / "spool")
    db = make_engine(url)
    upgrade_database(db)
    started = time.perf_counter()
    populate(db, settings, households)
    print(f"{households} households on {db.dialect.name} (built in {time.perf_counter() - started:.1f} s)")
    base_s, rows = baseline(db)
    print(f"  (a) bare SELECT of the households: {rows} rows in {base_s * 1000:.1f} ms")
    for name, moment in RUNS:
        seconds, statements, done = timed(db, settings, name, moment)
        print(
            f"  {name:<17} {seconds * 1000:8.1f} ms  {statements:5d} statements  {done:5d} done"
            f"  ratio {seconds / base_s:6.1f}"
        )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", default="200,2000", help="comma-separated sizes, one database each")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    for households in (int(n) for n in args.households.split(",")):
        with tempfile.TemporaryDirectory() as tmp, scratch_database(args.database_url, Path(tmp)) as url:
            run(url, households, Path(tmp))


if __name__ == "__main__":
    main()

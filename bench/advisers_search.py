"""The adviser directory search stays an index lookup at 10,000 advisers and 50,000 villages.

    .venv/bin/python bench/advisers_search.py [--db sqlite|postgresql|both] [--villages N] [--advisers N]

Builds a throwaway database with the real migrations (a temporary SQLite file; on
PostgreSQL the database `portal_bench_advisers` on BENCH_POSTGRES_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432), fills it with invented villages, advisers
and assignments (search rows written by the same key function as the app), then prints
the query plan of each kind of lookup (contains, prefix, exact) and the time of a few
searches, next to an unindexed LIKE '%term%' scan of the same table for comparison.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.advisers import search  # noqa: E402
from portal.advisers.models import Adviser, Assignment, DirectoryEntry, Village  # noqa: E402
from portal.core.models import Township  # noqa: E402
from portal.database import MIGRATIONS_DIR  # noqa: E402
from portal.demo import _seed_townships  # noqa: E402
from portal.extensions import db  # noqa: E402

PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_DB = "portal_bench_advisers"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅兰玉兵辉林鹏飞斌波宇浩凯健俊帆帅旭宁龙晨阳佳欣怡雪琳丹"
PLACE = "金龙新华桃花和平丰收青松白沙福星红旗光明东山西湖南岭北塘长乐永安太平双江石门高岭云峰秀水梅林竹园花桥柳塘杨柳荷塘泉水龙泉凤凰麻林浏阳"
QUERIES = (
    "xingsha",
    "xs",
    "星沙",
    "㮾梨",
    "langli",
    "陈明",
    "chenming",
    "cm",
    "金龙村",
    "jinlong",
    "陈",
    "huangxing",
)
CHUNK = 5000


def database_url(kind: str) -> str:
    if kind == "sqlite":
        return "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="bench-advisers-")) / "bench.sqlite3")
    admin = PG_SERVER.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin + "/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        connection.execute(f"CREATE DATABASE {PG_DB}")
    return f"{PG_SERVER}/{PG_DB}"


def fill(villages: int, advisers: int, rng: random.Random) -> None:
    """Invented advisers, villages, assignments and their search rows, in bulk."""
    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    people = []
    for i in range(advisers):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        people.append(
            {
                "id": i + 1,
                "name": name,
                "profession": "lawyer",
                "law_firm": "某律师事务所（演示）",
                "work_phone": f"139{i:08d}",
                "is_active": True,
                "is_demo": True,
            }
        )
    people[0]["name"] = "陈明"
    db.session.execute(insert(Adviser), people)
    adviser_keys = {p["id"]: search.join_keys(search.name_keys(p["name"])) for p in people}
    township_keys = {t.id: search.township_keys(t) for t in townships}
    today = date.today()
    for start in range(0, villages, CHUNK):
        village_rows, assignment_rows, entry_rows = [], [], []
        for i in range(start, min(start + CHUNK, villages)):
            township = townships[i % len(townships)]
            name = "".join(rng.choice(PLACE) for _ in range(2)) + rng.choice(("村", "村", "社区"))
            if i == 0:
                name = "金龙村"
            adviser_id = rng.randrange(1, advisers + 1) if i else 1
            village_rows.append(
                {
                    "id": i + 1,
                    "township_id": township.id,
                    "name": name,
                    "village_type": "community" if name.endswith("社区") else "village",
                    "is_demo": True,
                }
            )
            assignment_rows.append({"village_id": i + 1, "adviser_id": adviser_id, "start_date": today})
            entry_rows.append(
                {
                    "village_id": i + 1,
                    "township_id": township.id,
                    "adviser_id": adviser_id,
                    "township_order": township.sort_order,
                    "village_name": name,
                    "village_keys": search.join_keys(search.name_keys(name, search.VILLAGE_SUFFIXES)),
                    "township_keys": township_keys[township.id],
                    "adviser_keys": adviser_keys[adviser_id],
                }
            )
        db.session.execute(insert(Village), village_rows)
        db.session.execute(insert(Assignment), assignment_rows)
        db.session.execute(insert(DirectoryEntry), entry_rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("village", "adviser"):
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def compiled(statement) -> str:
    return str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))


def plan(q: str) -> list[str]:
    sql = compiled(search.search_query(q, limit=31))
    if db.engine.dialect.name == "sqlite":
        return [row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql))]
    sql = sql.replace("%%", "%")  # psycopg's escaping of literal percent signs
    return [row[0] for row in db.session.execute(text("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql))]


def timed(fn, repeat: int = 30) -> tuple[float, float]:
    fn()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def scan(q: str):
    """The unindexed alternative: the same ranked query, LIKE '%term%' over every search row."""
    term = search.normalise(q)
    rank = search.rank_expression(term).label("rank")
    return db.session.execute(
        select(DirectoryEntry.village_id, rank)
        # concat('') hides the expression from PostgreSQL's index: a real sequential scan.
        .where(search._like(DirectoryEntry.document().concat(""), search.pattern_for(term)))
        .order_by(
            text("rank"),
            DirectoryEntry.township_order,
            DirectoryEntry.village_name,
            DirectoryEntry.village_id,
        )
        .limit(31)
    ).all()


def run(kind: str, villages: int, advisers: int) -> None:
    url = database_url(kind)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": tempfile.mkdtemp(prefix="bench-uploads-"),
        }
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        _seed_townships()
        db.session.commit()
        started = time.perf_counter()
        fill(villages, advisers, random.Random(20260101))
        print(
            f"\n== {kind}: {advisers:,} advisers, {villages:,} villages "
            f"(filled in {time.perf_counter() - started:.1f} s)"
        )
        for label, q in (
            ("contains (3+ chars)", "jinlong"),
            ("prefix (2 chars)", "xs"),
            ("exact (1 letter)", "x"),
        ):
            print(f"-- plan, {label}: q={q!r}")
            for line in plan(q):
                print("   " + line)
        print(f"{'query':<12} {'hits':>6} {'median ms':>10} {'p95 ms':>8}   {'scan median ms':>15}")
        for q in QUERIES:
            hits = len(db.session.execute(search.search_query(q, limit=10_000)).all())
            median, p95 = timed(lambda q=q: search.search(q))
            scan_median, _ = timed(lambda q=q: scan(q), repeat=5)
            print(f"{q:<12} {hits:>6} {median:>10.2f} {p95:>8.2f}   {scan_median:>15.2f}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--villages", type=int, default=50_000)
    parser.add_argument("--advisers", type=int, default=10_000)
    args = parser.parse_args()
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        run(kind, args.villages, args.advisers)


if __name__ == "__main__":
    main()

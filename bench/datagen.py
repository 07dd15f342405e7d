"""Fill a portal database with N invented legal aid applications, fast and in bulk.

The schema must exist already (`flask --app portal init-db` and `seed-demo`, which add
the townships and the staff accounts the rows point at). Rows go straight into the two
tables of the joined-table inheritance, `service_request` and `legal_aid_application`:
one `executemany` per chunk inside a single transaction on SQLite, `COPY` on PostgreSQL.
Every person, number and address is invented; the generator is seeded, so two runs of
the same size produce the same rows.
"""

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import psycopg

CHUNK = 20_000
NO_DEADLINE = datetime(9999, 12, 31)
#: Status, share in thousandths. 90% open, so a 1M queue has 900k rows in "All open".
STATUS_MIX = (
    ("submitted", 300),
    ("under_review", 300),
    ("needs_materials", 100),
    ("approved", 100),
    ("assigned", 100),
    ("closed", 50),
    ("refused", 30),
    ("withdrawn", 20),
)
OPEN_STATES = frozenset({"submitted", "under_review", "needs_materials", "approved", "assigned"})
URGENT_SHARE = 0.05
#: Submissions spread over the three years before the run.
SPAN_DAYS = 3 * 365

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅兰玉兵辉林鹏飞斌波宇浩凯健俊帆帅旭宁龙晨阳佳欣怡雪琳丹"
STREETS = (
    "开元路",
    "星沙大道",
    "东八路",
    "泉塘路",
    "望仙路",
    "板仓路",
    "黄兴大道",
    "特立路",
    "盼盼路",
    "映霞路",
)
MATTERS = (
    "labour",
    "family_support",
    "personal_injury",
    "social_insurance",
    "state_compensation",
    "survivor_pension",
    "civil_capacity",
    "environment",
    "other_by_law",
    "criminal_defence",
    "criminal_victim",
    "private_prosecution",
)
STAGES = (
    "pre_litigation",
    "arbitration",
    "first_instance",
    "second_instance",
    "enforcement",
    "investigation",
    "prosecution_review",
    "criminal_trial",
)
FACTS = (
    "在星沙某建筑工地务工{n}个月，包工头拖欠工资共计{m}元，多次讨要未果，希望通过仲裁追回。",
    "本人年过七旬，子女均不支付赡养费，无固定收入，生活困难，希望起诉要求支付赡养费{m}元。",
    "骑电动车被货车撞伤，住院{n}天，对方保险公司拒绝赔偿医疗费{m}元，诉讼时效即将届满。",
    "在工厂工作{n}个月，公司未签劳动合同也未缴社保，现被辞退，要求确认劳动关系并补偿{m}元。",
    "工伤后单位拒绝申请工伤认定，停发工资{n}个月，请求法律援助申请认定并主张待遇{m}元。",
)
MATERIALS = "收入证明\n纠纷证据材料"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

SR_COLUMNS = (
    "id",
    "request_type",
    "reference",
    "status",
    "is_open",
    "priority",
    "due_at",
    "due_sort",
    "applicant_user_id",
    "applicant_name",
    "applicant_mobile",
    "township_id",
    "handler_id",
    "locale",
    "created_at",
    "updated_at",
    "closed_at",
    "version",
)
LA_COLUMNS = (
    "id",
    "id_number",
    "gender",
    "birth_date",
    "address",
    "for_relative",
    "relation",
    "represented_name",
    "represented_id_number",
    "matter_type",
    "stage",
    "opposing_party",
    "facts",
    "urgent",
    "exemption",
    "household_size",
    "monthly_income",
    "pledge_accepted_at",
    "consent_accepted_at",
    "decision_due_at",
    "decided_at",
    "materials_checklist",
    "materials_due_at",
    "materials_answer",
    "refusal_reasons",
    "lawyer_id",
    "assign_due_at",
    "assigned_at",
    "closing_summary",
    "open_case_lawyer_id",  # the lawyer while open (portal.legal_aid.models.keep_open_case_lawyer)
)


def resident_id(rng: random.Random, birth: date, male: bool) -> str:
    """An 18-digit resident ID of Changsha County with a valid check digit."""
    serial = rng.randrange(0, 50) * 2 + (1 if male else 0)
    body = f"430121{birth:%Y%m%d}{rng.randrange(0, 10)}{serial:02d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


class Context:
    """What the rows point at: townships, officers, lawyers; and where numbering resumes."""

    def __init__(self, townships, officers, lawyers, next_id, sequences, now):
        self.townships = townships
        self.officers = officers
        self.lawyers = lawyers
        self.next_id = next_id
        #: year -> last reference number handed out that year.
        self.sequences = sequences
        self.now = now.replace(microsecond=0)
        statuses = []
        for name, share in STATUS_MIX:
            statuses += [name] * share
        self.statuses = statuses


def generate(ctx: Context, count: int, seed: int) -> Iterator[tuple[tuple, tuple]]:
    """Yield (service_request row, legal_aid_application row) pairs, ids ascending."""
    rng = random.Random(seed)
    now = ctx.now
    span = SPAN_DAYS * 86400
    for offset in range(count):
        row_id = ctx.next_id + offset
        created = now - timedelta(seconds=rng.randrange(3600, span))
        year = created.year
        number = ctx.sequences.get(year, 0) + 1
        ctx.sequences[year] = number
        status = ctx.statuses[rng.randrange(1000)]
        is_open = status in OPEN_STATES
        urgent = rng.random() < URGENT_SHARE
        handler = None if status == "submitted" else rng.choice(ctx.officers)
        decision_due = decided = materials_due = assign_due = assigned = closed = None
        lawyer = checklist = refusal = summary = None
        touched = created + timedelta(hours=rng.randrange(1, 72))
        if status in ("submitted", "under_review"):
            decision_due = created + timedelta(days=7)
            due = decision_due
        elif status == "needs_materials":
            checklist = MATERIALS
            materials_due = touched + timedelta(days=30)
            due = None
        elif status == "approved":
            decided = touched
            assign_due = decided + timedelta(days=3)
            due = assign_due
        else:
            due = None
            if status in ("assigned", "closed"):
                decided = touched
                lawyer = rng.choice(ctx.lawyers)
                assigned = decided + timedelta(days=1)
            if status == "refused":
                decided = touched
                refusal = "经审查，申请人经济状况不符合法律援助条件。"
            if status == "closed":
                summary = "案件已办结，援助律师已提交结案材料。"
            if not is_open:
                closed = touched + timedelta(days=rng.randrange(2, 60))
        male = rng.random() < 0.5
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 64))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        mobile = f"1{rng.choice('35789')}{rng.randrange(0, 10**9):09d}"
        updated = closed or assigned or decided or touched
        yield (
            (
                row_id,
                "LA",
                f"LA-{year}-{number:06d}",
                status,
                is_open,
                0 if urgent else 1,
                due,
                due or NO_DEADLINE,
                None,
                name,
                mobile,
                rng.choice(ctx.townships),
                handler,
                "zh_Hans",
                created,
                updated,
                closed,
                1,
            ),
            (
                row_id,
                resident_id(rng, birth, male),
                "male" if male else "female",
                birth,
                f"长沙县{rng.choice(STREETS)}{rng.randrange(1, 400)}号",
                False,
                None,
                None,
                None,
                rng.choice(MATTERS),
                rng.choice(STAGES),
                None,
                rng.choice(FACTS).format(n=rng.randrange(2, 24), m=rng.randrange(3, 90) * 1000),
                urgent,
                None,
                rng.randrange(1, 6),
                rng.randrange(0, 40) * 100,
                created,
                created,
                decision_due,
                decided,
                checklist,
                materials_due,
                None,
                refusal,
                lawyer,
                assign_due,
                assigned,
                summary,
                lawyer if is_open else None,
            ),
        )


def chunks(rows: Iterator, size: int = CHUNK) -> Iterator[list]:
    """Lists of up to `size` items."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_value(value):
    """The text SQLAlchemy's SQLite dialect stores for a value (so comparisons still hold)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _sqlite_context(conn: sqlite3.Connection, now: datetime) -> Context:
    townships = [r[0] for r in conn.execute("SELECT id FROM township ORDER BY id")]
    officers, lawyers = _staff(conn.execute(_STAFF_SQL).fetchall())
    next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM service_request").fetchone()[0]
    sequences = dict(conn.execute("SELECT year, last_value FROM reference_sequence WHERE prefix = 'LA'"))
    return Context(townships, officers, lawyers, next_id, sequences, now)


def fill_sqlite(path: str, count: int, *, seed: int, now: datetime, progress: Callable = print) -> None:
    """Append `count` applications to the SQLite database at `path`, in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA cache_size=-1000000")  # 1 GB: the indexes stay in memory while loading
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA foreign_keys=ON")
        ctx = _sqlite_context(conn, now)
        sr_sql = f"INSERT INTO service_request ({', '.join(SR_COLUMNS)}) VALUES ({', '.join('?' * len(SR_COLUMNS))})"
        la_sql = f"INSERT INTO legal_aid_application ({', '.join(LA_COLUMNS)}) VALUES ({', '.join('?' * len(LA_COLUMNS))})"
        started = time.monotonic()
        done = 0
        conn.execute("BEGIN IMMEDIATE")
        for batch in chunks(generate(ctx, count, seed)):
            conn.executemany(sr_sql, [tuple(map(_sqlite_value, sr)) for sr, _la in batch])
            conn.executemany(la_sql, [tuple(map(_sqlite_value, la)) for _sr, la in batch])
            done += len(batch)
            _report(progress, done, count, started)
        _save_sequences_sqlite(conn, ctx.sequences)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _save_sequences_sqlite(conn: sqlite3.Connection, sequences: dict[int, int]) -> None:
    for year, last in sequences.items():
        conn.execute(
            "INSERT INTO reference_sequence (prefix, year, last_value) VALUES ('LA', ?, ?) "
            "ON CONFLICT (prefix, year) DO UPDATE SET last_value = excluded.last_value",
            (year, last),
        )


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_text(value) -> str:
    r"""One field of COPY's text format (\N is NULL; our strings hold no tabs or newlines)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    return str(value)  # int, date, datetime: ISO text PostgreSQL reads as is


def _pg_lines(rows) -> str:
    return "".join("\t".join(map(_pg_text, row)) + "\n" for row in rows)


def fill_postgres(url: str, count: int, *, seed: int, now: datetime, progress: Callable = print) -> None:
    """Append `count` applications to the PostgreSQL database at `url` with COPY, then analyse."""
    with psycopg.connect(url) as conn:
        with conn.cursor() as cur:
            townships = [r[0] for r in cur.execute("SELECT id FROM township ORDER BY id")]
            officers, lawyers = _staff(cur.execute(_STAFF_SQL).fetchall())
            next_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM service_request").fetchone()[0]
            sequences = dict(
                cur.execute("SELECT year, last_value FROM reference_sequence WHERE prefix = 'LA'").fetchall()
            )
            ctx = Context(townships, officers, lawyers, next_id, sequences, now)
            started = time.monotonic()
            done = 0
            for batch in chunks(generate(ctx, count, seed)):
                with cur.copy(f"COPY service_request ({', '.join(SR_COLUMNS)}) FROM STDIN") as copy:
                    copy.write(_pg_lines(sr for sr, _la in batch))
                with cur.copy(f"COPY legal_aid_application ({', '.join(LA_COLUMNS)}) FROM STDIN") as copy:
                    copy.write(_pg_lines(la for _sr, la in batch))
                done += len(batch)
                _report(progress, done, count, started)
            for year, last in ctx.sequences.items():
                cur.execute(
                    "INSERT INTO reference_sequence (prefix, year, last_value) VALUES ('LA', %s, %s) "
                    "ON CONFLICT (prefix, year) DO UPDATE SET last_value = excluded.last_value",
                    (year, last),
                )
            # Explicit ids bypass the serial: move it past them for the app's own inserts.
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('service_request', 'id'), max(id)) FROM service_request"
            )
        conn.commit()
    # What autovacuum does to a table of this size soon after a bulk load: planner
    # statistics and the visibility map (index-only scans for the capped counts).
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE service_request")
        conn.execute("VACUUM ANALYZE legal_aid_application")


# --- shared -------------------------------------------------------------------------------

_STAFF_SQL = (
    "SELECT u.username, u.id FROM user_account u WHERE u.username IN "
    "('officer', 'officer2', 'lawyer', 'lawyer2') ORDER BY u.id"
)


def _staff(rows) -> tuple[list[int], list[int]]:
    officers = [uid for name, uid in rows if name.startswith("officer")]
    lawyers = [uid for name, uid in rows if name.startswith("lawyer")]
    if not officers or not lawyers:
        raise RuntimeError("the demo staff accounts are missing: run `flask --app portal seed-demo` first")
    return officers, lawyers


def _report(progress: Callable, done: int, count: int, started: float) -> None:
    if done == count or done % 200_000 == 0:
        elapsed = time.monotonic() - started
        progress(f"    {done:,}/{count:,} rows in {elapsed:.0f} s")

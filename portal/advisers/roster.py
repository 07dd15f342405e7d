"""Roster import and export (CSV and Excel): one row per adviser and their villages.

Import is all-or-nothing: every row is checked first (township, phone, duplicates,
villages listed twice); only a file without a single error is applied, in the view's
one transaction. The report says row by row what was found or what would happen.
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext
from openpyxl import load_workbook
from sqlalchemy import select

from portal.advisers import services
from portal.advisers.models import Adviser, Assignment, Village
from portal.advisers.search import normalise
from portal.advisers.vocabulary import normalise_phone
from portal.core.clock import local_today
from portal.core.export import FORMULA_PREFIXES
from portal.core.models import Township
from portal.extensions import db

#: (key, Chinese header, English header): headers are bilingual and never translated,
#: so a file exported in one language imports in the other.
COLUMNS = (
    ("id", "编号", "No."),
    ("name", "姓名", "Name"),
    ("profession", "类别", "Kind"),
    ("law_firm", "执业机构", "Law firm"),
    ("work_phone", "工作电话", "Work phone"),
    ("township", "乡镇（街道）", "Township"),
    ("villages", "服务村（社区）", "Villages"),
    ("schedule", "驻村时间", "Schedule"),
    ("specialties", "业务专长", "Specialties"),
)
REQUIRED = ("name", "law_firm", "work_phone")
PROFESSION_VALUES = {
    "lawyer": "lawyer",
    "律师": "lawyer",
    "legal_worker": "legal_worker",
    "基层法律服务工作者": "legal_worker",
}
PROFESSION_EXPORT = {"lawyer": "律师", "legal_worker": "基层法律服务工作者"}
VILLAGE_SEPARATORS = re.compile(r"[、,，;；\n]+")
MAX_ROWS = 20_000


class RosterFileError(ValueError):
    """The file cannot be read as a roster at all."""


@dataclass
class RowReport:
    number: int
    name: str
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "create" or "update"
    villages: list[tuple[Township, str]] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    adviser: Adviser | None = None


@dataclass
class ImportReport:
    rows: list[RowReport]
    applied: bool = False

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_count


def headers() -> list[str]:
    return [f"{zh} {en}" for _key, zh, en in COLUMNS]


def export_rows():
    """One row per adviser: villages of other townships are written 乡镇/村."""
    townships = {t.id: t for t in db.session.scalars(select(Township))}
    current = db.session.execute(
        select(Assignment.adviser_id, Village.name, Village.township_id)
        .join(Village, Village.id == Assignment.village_id)
        .where(Assignment.end_date.is_(None))
        .order_by(Assignment.adviser_id, Village.township_id, Village.name)
    ).all()
    villages: dict[int, list[tuple[str, int]]] = {}
    for adviser_id, name, township_id in current:
        villages.setdefault(adviser_id, []).append((name, township_id))
    for adviser in db.session.scalars(select(Adviser).order_by(Adviser.id).execution_options(yield_per=500)):
        served = villages.get(adviser.id, [])
        home = Counter(t for _n, t in served).most_common(1)[0][0] if served else None
        names = [n if t == home else f"{townships[t].name}/{n}" for n, t in served]
        yield [
            adviser.id,
            adviser.name,
            PROFESSION_EXPORT.get(adviser.profession, adviser.profession),
            adviser.law_firm,
            adviser.work_phone,
            townships[home].name if home else "",
            "、".join(names),
            adviser.schedule or "",
            adviser.specialties or "",
        ]


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The file's rows as text cells; CSV in UTF-8 (or GB18030, as Excel saves it) or .xlsx."""
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 — any unreadable workbook is the user's file problem
            raise RosterFileError(gettext("The Excel file cannot be read.")) from exc
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if filename.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                content = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterFileError(gettext("The CSV file is not in UTF-8."))
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(content))]
    raise RosterFileError(gettext("Choose a .csv or .xlsx file."))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _unneutralise(value: str) -> str:
    # Our own export prefixes formula-like text with an apostrophe; take it off again.
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _header_map(header: list[str]) -> dict[str, int]:
    known = {}
    for key, zh, en in COLUMNS:
        for label in (key, zh, en, f"{zh} {en}"):
            known[normalise(label)] = key
    positions = {}
    for index, cell in enumerate(header):
        key = known.get(normalise(cell))
        if key and key not in positions:
            positions[key] = index
    missing = [f"{zh} {en}" for key, zh, en in COLUMNS if key in REQUIRED and key not in positions]
    if missing:
        raise RosterFileError(gettext("Columns missing: %(columns)s", columns="、".join(missing)))
    return positions


def _township_lookup() -> dict[str, Township]:
    lookup = {}
    for township in db.session.scalars(select(Township)):
        for name in (township.name, township.alias, township.code, township.name_en):
            if name:
                lookup[normalise(name)] = township
    return lookup


def check(rows: list[list[str]]) -> ImportReport:
    """Validate every row; nothing is written."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise RosterFileError(gettext("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise RosterFileError(gettext("At most %(n)s rows per file.", n=MAX_ROWS))
    positions = _header_map(rows[0])
    townships = _township_lookup()
    reports = []
    seen_ids: dict[int, int] = {}
    seen_people: dict[tuple[str, str], int] = {}
    seen_villages: dict[tuple[int, str], int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        values = {key: _unneutralise(raw[i].strip()) if i < len(raw) else "" for key, i in positions.items()}
        report = RowReport(number=number, name=values.get("name", ""), values=values)
        reports.append(report)
        errors = report.errors
        for key in REQUIRED:
            if not values.get(key):
                errors.append(gettext("%(column)s is empty.", column=_label(key)))
        if len(values.get("name", "")) > 50 or len(values.get("law_firm", "")) > 100:
            errors.append(gettext("A name is too long."))
        phone = normalise_phone(values.get("work_phone", ""))
        if values.get("work_phone") and phone is None:
            errors.append(gettext("Malformed phone number: %(value)s", value=values["work_phone"]))
        values["work_phone"] = phone or values.get("work_phone", "")
        profession = values.get("profession") or "lawyer"
        if profession not in PROFESSION_VALUES:
            errors.append(gettext("Unknown kind of adviser: %(value)s", value=profession))
        values["profession"] = PROFESSION_VALUES.get(profession, "lawyer")
        township = None
        if values.get("township"):
            township = townships.get(normalise(values["township"]))
            if township is None:
                errors.append(gettext("Unknown township: %(value)s", value=values["township"]))
        _check_identity(report, seen_ids, seen_people)
        _check_villages(report, township, townships, seen_villages)
    return ImportReport(rows=reports)


def _label(key: str) -> str:
    return next(f"{zh} {en}" for k, zh, en in COLUMNS if k == key)


def _check_identity(report: RowReport, seen_ids: dict, seen_people: dict) -> None:
    values, errors = report.values, report.errors
    adviser = None
    if values.get("id"):
        if not values["id"].isdigit():
            errors.append(gettext("No. must be a number: %(value)s", value=values["id"]))
        else:
            adviser_id = int(values["id"])
            if adviser_id in seen_ids:
                errors.append(
                    gettext(
                        "Duplicate adviser: No. %(id)s is also in row %(row)s.",
                        id=adviser_id,
                        row=seen_ids[adviser_id],
                    )
                )
            seen_ids.setdefault(adviser_id, report.number)
            adviser = db.session.get(Adviser, adviser_id)
            if adviser is None:
                errors.append(gettext("No adviser has No. %(id)s.", id=adviser_id))
    person = (values.get("name", ""), values.get("work_phone", ""))
    if all(person):
        if person in seen_people:
            errors.append(
                gettext(
                    "Duplicate adviser: %(name)s with this phone is also in row %(row)s.",
                    name=person[0],
                    row=seen_people[person],
                )
            )
        seen_people.setdefault(person, report.number)
        if adviser is None and not values.get("id"):
            adviser = db.session.scalar(
                select(Adviser).where(Adviser.name == person[0], Adviser.work_phone == person[1]).limit(1)
            )
    report.adviser = adviser
    report.action = "update" if adviser else "create"


def _check_villages(report: RowReport, township, townships: dict, seen: dict) -> None:
    for item in VILLAGE_SEPARATORS.split(report.values.get("villages", "")):
        item = item.strip()
        if not item:
            continue
        home = township
        if "/" in item:
            prefix, item = (part.strip() for part in item.split("/", 1))
            home = townships.get(normalise(prefix))
            if home is None:
                report.errors.append(gettext("Unknown township: %(value)s", value=prefix))
                continue
        if home is None:
            report.errors.append(gettext("Village %(village)s: give the township.", village=item))
            continue
        if len(item) > 50:
            report.errors.append(gettext("A name is too long."))
            continue
        key = (home.id, normalise(item))
        if key in seen:
            report.errors.append(
                gettext("Village %(village)s is also listed in row %(row)s.", village=item, row=seen[key])
            )
            continue
        seen[key] = report.number
        report.villages.append((home, item))


def apply(report: ImportReport, user) -> None:
    """Write a checked roster: advisers created or updated, villages created and assigned."""
    if not report.ok:
        raise ValueError("a roster with errors is never applied")
    today = local_today()
    township_ids = {t.id for row in report.rows for t, _name in row.villages}
    existing = {
        (v.township_id, normalise(v.name)): v
        for v in db.session.scalars(select(Village).where(Village.township_id.in_(township_ids)))
    }
    for row in report.rows:
        values = row.values
        adviser = row.adviser or Adviser()
        adviser.name = values["name"]
        adviser.profession = values["profession"]
        adviser.law_firm = values["law_firm"]
        adviser.work_phone = values["work_phone"]
        adviser.schedule = values.get("schedule") or None
        adviser.specialties = values.get("specialties") or None
        services.save_adviser(adviser)
        for township, name in row.villages:
            village = existing.get((township.id, normalise(name)))
            if village is None:
                village_type = "community" if name.endswith(("社区", "居委会")) else "village"
                village = services.save_village(
                    Village(township_id=township.id, name=name, village_type=village_type)
                )
                existing[(township.id, normalise(name))] = village
            services.assign(village, adviser, start=today, user=user, note=gettext("Roster import"))
    report.applied = True

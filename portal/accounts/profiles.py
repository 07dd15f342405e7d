"""The legal-service-person profile of a staff account: who may be put on a case or a team.

A lawyer, grassroots legal service worker or volunteer has one profile: licence number,
practising since, firm or office, work phone and specialties (codes of
`portal.accounts.specialties`). Capabilities pick people with `legal_service_people()`
(health-check teams, legal aid assignment) and never read the tables themselves.
"""

import functools
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, contains_eager, lazyload, mapped_column, relationship

from portal.accounts.models import AccountType, User, UserRole
from portal.accounts.specialties import SPECIALTIES, Profession, specialty_label
from portal.core.clock import local_today, utcnow
from portal.extensions import db


class LegalServicePerson(db.Model):
    """The profile of one staff account as a legal-service person."""

    __tablename__ = "legal_service_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    #: A Profession value.
    profession: Mapped[str] = mapped_column(String(16))
    #: 执业证号: free text (formats differ between lawyers and grassroots workers).
    licence_number: Mapped[str | None] = mapped_column(String(40))
    practising_since: Mapped[date | None] = mapped_column(Date)
    #: Since when the person practises criminal defence and representation (Legal Aid Law,
    #: Art. 26 counts this "relevant" experience, not the years since licensing).
    criminal_practice_since: Mapped[date | None] = mapped_column(Date)
    #: Marked as familiar with minors' physical and mental traits (未成年人保护法 Art. 104):
    #: offered first for a minor.
    familiar_with_minors: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Law firm, legal service office or organisation.
    firm: Mapped[str | None] = mapped_column(String(200))
    work_phone: Mapped[str | None] = mapped_column(String(20))
    #: Inactive people keep their profile (and their past cases) but are offered no new work.
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    specialty_rows: Mapped[list["LegalServiceSpecialty"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def profession_label(self):
        return Profession(self.profession).label

    @property
    def specialties(self) -> list[str]:
        """The specialty codes, in the vocabulary's order."""
        order = list(SPECIALTIES)
        codes = {row.code for row in self.specialty_rows}
        return sorted(codes, key=lambda c: order.index(c) if c in order else len(order))

    @property
    def specialty_labels(self) -> list:
        return [specialty_label(code) for code in self.specialties]

    def set_specialties(self, codes: Iterable[str]) -> None:
        """Replace the specialties with the given codes (all from the vocabulary)."""
        wanted = {str(c) for c in codes}
        if unknown := wanted - set(SPECIALTIES):
            raise ValueError(f"unknown specialties {sorted(unknown)}")
        self.specialty_rows = [row for row in self.specialty_rows if row.code in wanted]
        present = {row.code for row in self.specialty_rows}
        for code in sorted(wanted - present):
            self.specialty_rows.append(LegalServiceSpecialty(code=code))

    def years_practising(self, today: date | None = None) -> int | None:
        """Whole years since `practising_since` (None when unknown)."""
        return _whole_years(self.practising_since, today)

    def years_of_criminal_practice(self, today: date | None = None) -> int | None:
        """Whole years since `criminal_practice_since` (None when unknown)."""
        return _whole_years(self.criminal_practice_since, today)


def _whole_years(start: date | None, today: date | None = None) -> int | None:
    if start is None:
        return None
    today = today or local_today()
    return today.year - start.year - ((today.month, today.day) < (start.month, start.day))


class LegalServiceSpecialty(db.Model):
    """One specialty of one legal-service person."""

    __tablename__ = "legal_service_specialty"
    __table_args__ = (UniqueConstraint("person_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unique constraint (person_id, code) indexes the lookups by person.
    person_id: Mapped[int] = mapped_column(ForeignKey("legal_service_person.id", ondelete="CASCADE"))
    #: Indexed: pickers look people up by specialty.
    code: Mapped[str] = mapped_column(String(32), index=True)

    person: Mapped[LegalServicePerson] = relationship(back_populates="specialty_rows")


def profile_of(user: User | int) -> LegalServicePerson | None:
    """The legal-service-person profile of a user (or user id), if any."""
    user_id = user if isinstance(user, int) else user.id
    return db.session.scalar(select(LegalServicePerson).where(LegalServicePerson.user_id == user_id))


def save_profile(
    user: User,
    *,
    profession: str,
    licence_number: str | None = None,
    practising_since: date | None = None,
    firm: str | None = None,
    work_phone: str | None = None,
    specialties: Iterable[str] = (),
    active: bool = True,
    criminal_practice_since: date | None = None,
    familiar_with_minors: bool = False,
) -> LegalServicePerson:
    """Create or update the profile of a staff account (the caller commits)."""
    if user.account_type != AccountType.STAFF:
        raise ValueError("only staff accounts have a legal-service profile")
    profile = profile_of(user) if user.id is not None else None
    if profile is None:
        profile = LegalServicePerson(user=user)
        db.session.add(profile)
    profile.profession = Profession(profession).value
    profile.licence_number = licence_number or None
    profile.practising_since = practising_since
    profile.criminal_practice_since = criminal_practice_since
    profile.familiar_with_minors = familiar_with_minors
    profile.firm = firm or None
    profile.work_phone = work_phone or None
    profile.active = active
    profile.set_specialties(specialties)
    return profile


def years_ago(years: int, today: date | None = None) -> date:
    """The date `years` whole years before today (29 February becomes 28 February)."""
    today = today or local_today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def legal_service_people(
    profession: str | None = None,
    specialty: str | Iterable[str] | None = None,
    *,
    min_years: int | None = None,
    role: str | None = None,
    with_specialties: bool = True,
) -> list[LegalServicePerson]:
    """Active legal-service people with their (active, staff) accounts, for pickers.

    - `profession`: only this Profession;
    - `specialty`: a code, or several codes (anyone with at least one of them);
    - `min_years`: only people practising for at least this many whole years;
    - `role`: only people whose account holds this role (asked in the same statement);
    - `with_specialties=False`: a picker that shows none (the specialties then load
      only if read: one statement less).

    Sorted by name; each profile's `user` and specialties are loaded with it.
    """
    codes = None
    if specialty is not None:
        codes = (specialty,) if isinstance(specialty, str) else tuple(str(c) for c in specialty)
    query = _people_query(
        None if profession is None else str(profession),
        codes,
        None if min_years is None else years_ago(min_years),
        None if role is None else str(role),
        with_specialties,
    )
    return list(db.session.scalars(query).unique())


@functools.lru_cache(maxsize=64)
def _people_query(profession, codes, since, role, with_specialties):
    """The pickers' statement, built once per set of conditions (a detail page offering
    the lawyer picker built it on every view, at a cost close to running it)."""
    query = (
        select(LegalServicePerson)
        .join(LegalServicePerson.user)
        .where(
            LegalServicePerson.active.is_(True),
            User.is_active_account.is_(True),
            User.account_type == AccountType.STAFF,
        )
        .options(contains_eager(LegalServicePerson.user))
        .order_by(User.display_name, User.id)
    )
    if profession is not None:
        query = query.where(LegalServicePerson.profession == profession)
    if codes is not None:
        query = query.where(
            LegalServicePerson.id.in_(
                select(LegalServiceSpecialty.person_id).where(LegalServiceSpecialty.code.in_(codes))
            )
        )
    if since is not None:
        query = query.where(LegalServicePerson.practising_since <= since)
    if role is not None:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role))).options(
            contains_eager(LegalServicePerson.user).lazyload(User.role_rows)  # asked above, not read
        )
    if not with_specialties:
        query = query.options(lazyload(LegalServicePerson.specialty_rows))
    return query

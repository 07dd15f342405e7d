"""What legal-service people do and know: their professions and the one vocabulary of specialties.

The specialties of a legal-service person (lawyer, grassroots legal service worker,
volunteer) are codes from SPECIALTIES. The first group are the areas of an enterprise
legal health check (SPEC §5), with the same codes and labels as the health checks use,
so that a coordinator can match a team to the areas an enterprise asked for; the second
group are the other practice areas legal aid assignment needs.
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from portal.core.choices import options


class Profession(StrEnum):
    """The profession of the legal-service person a profile describes."""

    LAWYER = "lawyer"  # 律师
    GRASSROOTS = "grassroots"  # 基层法律服务工作者
    #: 高等院校、科研机构人员和法学专业学生志愿者 (Legal Aid Law Art. 17, second paragraph);
    #: a volunteer lawyer is a LAWYER.
    VOLUNTEER = "volunteer"

    @property
    def label(self):
        return PROFESSION_LABELS[self]


PROFESSION_LABELS = {
    Profession.LAWYER: _l("Lawyer"),
    Profession.GRASSROOTS: _l("Grassroots legal service worker"),
    Profession.VOLUNTEER: _l("Academic or student volunteer"),
}

#: The areas of an enterprise legal health check (SPEC §5).
HEALTH_CHECK_AREAS = {
    "governance": _l("Corporate governance and seals"),
    "contracts": _l("Contract management"),
    "labour": _l("Labour and employment"),
    "ip": _l("Intellectual property and trade secrets"),
    "tax": _l("Tax and finance"),
    "safety": _l("Safety and environment"),
    "data": _l("Data and personal information"),
    "financing": _l("Financing and guarantees"),
    "disputes": _l("Disputes"),
}
#: Other practice areas (legal aid assignment, consultations).
PRACTICE_AREAS = {
    "criminal": _l("Criminal defence"),
    "family": _l("Marriage, family and inheritance"),
    "injury": _l("Personal injury and compensation"),
    "administrative": _l("Administrative disputes and state compensation"),
}
#: Every specialty code with its label, in display order.
SPECIALTIES = {**HEALTH_CHECK_AREAS, **PRACTICE_AREAS}


def specialty_label(code: str):
    """The translated label of a specialty code (the code itself when unknown)."""
    return SPECIALTIES.get(code, code)


def specialty_choices():
    """The specialties as checkbox options: the health-check areas first."""
    return options(SPECIALTIES)

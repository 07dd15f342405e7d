"""Validators for China's resident ID, USCC and mobile numbers (SPEC §8), and masking.

What people type is normalised first: full-width digits and letters (common from Chinese
keyboards), spaces anywhere and lower case. Then the structure is checked, not only the
check character: a province-level code where one belongs, a real birth date, the
registration authority and type of a credit code.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MOBILE_PATTERN = re.compile(r"^(?:\+86|0086)?(1[3-9]\d{9})$")

#: Province-level codes of GB/T 2260 (the first two digits of an ID number or region
#: code), and 81-83 (Hong Kong, Macao, Taiwan) found on residence permits. Older county
#: codes stay valid on old ID cards, so nothing finer is checked.
PROVINCE_CODES = frozenset(
    f"{code:02d}"
    for first, last in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (81, 83))
    for code in range(first, last + 1)
)
#: GB 32100-2015: the registration authority (character 1) and the type (character 2).
USCC_AUTHORITIES = frozenset("123456789ANY")
USCC_TYPES = frozenset("123456789")
#: A credit code's region may also be national (10xxxx: registered by a central body).
USCC_NATIONAL_REGION = "10"

# Why a value is not a valid number: one code per rule, for messages that say which.
FORMAT, PROVINCE, BIRTH_DATE, CHECK_CHAR, STRUCTURE = (
    "format",
    "province",
    "birth_date",
    "check_char",
    "structure",
)


@dataclass(frozen=True)
class ResidentId:
    """A valid resident ID number and what it says about its holder."""

    number: str
    birth_date: date
    gender: str  # "male" or "female": odd 17th digit is male

    def age_on(self, day: date) -> int:
        """Full years of age on `day`."""
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def compact(value: str | None) -> str:
    """Full-width characters as ASCII (NFKC), without any spaces, upper-cased."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def id_check_char(first17: str) -> str:
    """Return the GB 11643-1999 check character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def resident_id_problem(value: str | None, today: date | None = None) -> str | None:
    """The rule a resident ID number breaks (FORMAT, PROVINCE, BIRTH_DATE, CHECK_CHAR), or None."""
    number = compact(value)
    if (
        len(number) != 18
        or not number[:17].isascii()
        or not number[:17].isdigit()
        or number[17] not in "0123456789X"
    ):
        return FORMAT
    if number[:2] not in PROVINCE_CODES:
        return PROVINCE
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return BIRTH_DATE
    if birth > (today or date.today()) or birth.year < 1850:
        return BIRTH_DATE
    if id_check_char(number[:17]) != number[17]:
        return CHECK_CHAR
    return None


def parse_resident_id(value: str | None, today: date | None = None) -> ResidentId | None:
    """Return the parsed ID, or None when the number is not a valid one."""
    if resident_id_problem(value, today) is not None:
        return None
    number = compact(value)
    birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    gender = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(value: str | None) -> str | None:
    """The rule a credit code breaks (FORMAT, STRUCTURE, CHECK_CHAR), or None."""
    code = compact(value)
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return FORMAT
    region = code[2:8]
    if (
        code[0] not in USCC_AUTHORITIES
        or code[1] not in USCC_TYPES
        or not region.isdigit()
        or (region[:2] not in PROVINCE_CODES and region[:2] != USCC_NATIONAL_REGION)
    ):
        return STRUCTURE
    if uscc_check_char(code[:17]) != code[17]:
        return CHECK_CHAR
    return None


def normalise_uscc(value: str | None) -> str | None:
    """Return the code in capitals without spaces when it is a valid USCC, else None."""
    return compact(value) if uscc_problem(value) is None else None


def normalise_mobile(value: str | None) -> str | None:
    """Return the 11-digit mobile without prefix or spaces, or None when invalid."""
    compacted = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or ""))
    match = MOBILE_PATTERN.match(compacted) if compacted.isascii() else None
    return match.group(1) if match else None


def mask_id_number(number: str | None) -> str:
    """Show the first 4 and last 4 characters only: 4301**********1237."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_mobile(mobile: str | None) -> str:
    """Show 138****5678."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return mobile[:3] + "****" + mobile[-4:]

"""Validators for China's resident ID, USCC and mobile numbers (SPEC §8), and masking."""

import re
from dataclasses import dataclass
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MOBILE_PATTERN = re.compile(r"^(?:\+86|0086)?(1[3-9]\d{9})$")


@dataclass(frozen=True)
class ResidentId:
    """A valid resident ID number and what it says about its holder."""

    number: str
    birth_date: date
    gender: str  # "male" or "female": odd 17th digit is male


def id_check_char(first17: str) -> str:
    """Return the GB 11643-1999 check character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def parse_resident_id(value: str, today: date | None = None) -> ResidentId | None:
    """Return the parsed ID, or None when the number is not a valid one."""
    number = (value or "").strip().upper()
    if len(number) != 18 or not number[:17].isdigit():
        return None
    if id_check_char(number[:17]) != number[17]:
        return None
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth > (today or date.today()) or birth.year < 1850:
        return None
    gender = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def normalise_uscc(value: str) -> str | None:
    """Return the upper-cased code when it is a valid USCC, else None."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return None
    return code if uscc_check_char(code[:17]) == code[17] else None


def normalise_mobile(value: str) -> str | None:
    """Return the 11-digit mobile without prefix or spaces, or None when invalid."""
    compact = re.sub(r"[\s-]", "", value or "")
    match = MOBILE_PATTERN.match(compact)
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

"""Resident ID numbers (GB 11643) and mainland mobile numbers: checked and normalised."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from gridterm.core.model.problems import FieldError, ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes; 81/82/83 are the residence permits of Hong Kong, Macao and
# Taiwan residents.  Foreigners' permanent residence cards (2023) start with 9.
_ID_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)

_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_PHONE_JUNK = re.compile(r"[\s\-()]")

# A problem found: (catalog key, message parameters).
Problem = tuple[str, dict[str, object]]


def id_check_char(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError(f"17 digits expected: {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_problem(value: str, today: date | None = None) -> Problem | None:
    """What is wrong with a normalised 18-character ID number, or None when it is valid."""
    if len(value) == 15 and value.isdigit():
        return "model.id.legacy15", {}
    if len(value) != 18:
        return "model.id.length", {"n": len(value)}
    if not value.isascii() or not value[:17].isdigit() or value[17] not in "0123456789X":
        return "model.id.chars", {}
    if int(value[:2]) not in _ID_PROVINCES and value[0] != "9":
        return "model.id.area", {"code": value[:6]}
    birth = value[6:14]
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return "model.id.birth_invalid", {"date": f"{birth[:4]}-{birth[4:6]}-{birth[6:8]}"}
    if born.year < 1900:
        return "model.id.birth_too_old", {"date": born.isoformat()}
    if born > (today or date.today()):
        return "model.id.birth_future", {"date": born.isoformat()}
    if id_check_char(value[:17]) != value[17]:
        return "model.id.checksum", {}
    return None


def check_id_number(value: str, field: str = "id_number", *, today: date | None = None) -> str:
    """A valid 18-character resident ID, normalised (spaces dropped, ``x`` -> ``X``).

    Raises :class:`ValidationError` saying what is wrong: length (15-digit legacy numbers
    are refused with a message that 18 characters are needed), characters, area, birth date
    (real, not before 1900, not in the future) or the check character.
    """
    if not isinstance(value, str):
        raise ValidationError([FieldError(field, "model.not_text")])
    # NFKC: a Chinese input method may give full-width digits (１２３).
    normal = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()
    if not normal:
        raise ValidationError([FieldError(field, "model.required")])
    problem = id_problem(normal, today)
    if problem:
        raise ValidationError([FieldError(field, problem[0], problem[1])])
    return normal


def check_phone(value: str, field: str = "phone") -> str:
    """An 11-digit mainland mobile number (1[3-9]…), normalised: spaces, dashes and +86 dropped."""
    if not isinstance(value, str):
        raise ValidationError([FieldError(field, "model.not_text")])
    normal = _PHONE_JUNK.sub("", unicodedata.normalize("NFKC", value))
    if normal.startswith("+86"):
        normal = normal[3:]
    elif normal.startswith("0086"):
        normal = normal[4:]
    if not normal:
        raise ValidationError([FieldError(field, "model.required")])
    if not normal.isdigit() or not normal.isascii():
        raise ValidationError([FieldError(field, "model.phone.chars")])
    if len(normal) != 11:
        raise ValidationError([FieldError(field, "model.phone.length", {"n": len(normal)})])
    if not _MOBILE.match(normal):
        raise ValidationError([FieldError(field, "model.phone.prefix")])
    return normal

"""Remove personal data from complaint text before it is shown publicly. Pure: no Flask, no database.

What is removed, each replaced by a label such as '[电话已隐去]' (`RedactionLabels`; English ones too):

- phone: mainland mobiles (1[3-9] + 9 digits; groups of 3-4-4 split by spaces or dashes; +86, 0086
  or 86 in front), the same partly masked (138****1234, 138xxxx1234: the visible digits still narrow a
  person down), and landlines with an area code (0731-88888888, (0731)8888888, 010 8888 8888,
  +86 731 88888888). Numbers without an area code (8888888) stay: they cannot be told from others.
- id_number: resident ID numbers, 18 characters ending in a digit or X, and 15-digit legacy ones, both
  with a real province code and birth date; also 18-character ones masked with * (430102********1234). The
  check character is not required: a mistyped number still identifies its holder.
- email: addresses with an ASCII local part and domain, with '@' or a full-width '＠'.
- bank_card: 16 to 19 digits, contiguous or in groups of four, that pass the Luhn check. The check
  keeps most long order and tracking numbers, but one random number in ten passes it: privacy wins.
- name: each private name staff give, exactly as written, longest first (张三丰 before 张三), of at
  least two characters: a lone surname would blank out every word containing it.

Numbers are matched as whole runs of digits (ASCII or full-width): 13912345678 inside a longer run of
digits is not a phone number. Dates, amounts, room numbers, years, hotlines such as 12345 and IP
addresses stay.

`redact` is idempotent: labels already in a text are never matched again, and detection repeats on the
text with what it found blanked out, so a number next to a removed name is found as it would be in the
redacted text.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from functools import cache
from typing import NamedTuple

from portal.domain import is_english


class PersonalDataKind(StrEnum):
    PHONE = "phone"
    ID_NUMBER = "id_number"
    EMAIL = "email"
    BANK_CARD = "bank_card"
    NAME = "name"


class Finding(NamedTuple):
    kind: PersonalDataKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RedactionLabels:
    """What each kind of personal data is replaced with.

    A label must be bracketed ('[...]', no other brackets inside) and hold no digit, so that it can
    neither join the digits around it into a number nor be taken for personal data when redacted again.
    """

    phone: str = "[电话已隐去]"
    id_number: str = "[身份证号已隐去]"
    email: str = "[邮箱已隐去]"
    bank_card: str = "[银行卡号已隐去]"
    # Staff mark names, but also other details that identify someone (an amount, a plot number): not "name".
    name: str = "[已隐去]"

    def __post_init__(self) -> None:
        for field in fields(self):
            label = getattr(self, field.name)
            if not _LABEL_SHAPE.fullmatch(label):
                raise ValueError(f"{field.name} label must look like '[text]' without digits, not {label!r}")

    def for_kind(self, kind: PersonalDataKind) -> str:
        return str(getattr(self, kind.value))


_LABEL_SHAPE = re.compile(r"\[[^\[\]0-9０-９]+\]")

CHINESE_LABELS = RedactionLabels()
ENGLISH_LABELS = RedactionLabels(
    phone="[phone removed]",
    id_number="[ID number removed]",
    email="[email removed]",
    bank_card="[bank card removed]",
    name="[removed]",
)


def labels_for_locale(locale: str) -> RedactionLabels:
    """English labels for an English locale ('en', 'en_GB', 'en-US'), Chinese for any other."""
    return ENGLISH_LABELS if is_english(locale) else CHINESE_LABELS


def redact(
    text: str,
    *,
    private_names: Iterable[str] = (),
    labels: RedactionLabels = CHINESE_LABELS,
    published_numbers: Iterable[str] = (),
) -> str:
    """`text` with each phone, ID and bank card number, e-mail address and private name replaced.

    ``published_numbers`` are the offices' own public numbers (a bureau's hotline quoted in its reply): a phone
    number equal to one of them, however written, stays. Every other number is somebody's and goes.
    """
    keep = {normalised_phone(number) for number in published_numbers}
    findings = [
        finding
        for finding in _find(text, _usable_names(private_names), _protected_labels(labels))
        if not (
            finding.kind is PersonalDataKind.PHONE
            and normalised_phone(text[finding.start : finding.end]) in keep
        )
    ]
    pieces: list[str] = []
    position = 0
    for finding in findings:
        pieces += [text[position : finding.start], labels.for_kind(finding.kind)]
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


def find_personal_data(text: str, *, private_names: Iterable[str] = ()) -> list[Finding]:
    """What `redact` (given the same names) removes: kind and span of each, in text order, disjoint."""
    return _find(text, _usable_names(private_names), _protected_labels(CHINESE_LABELS))


# --- Patterns ----------------------------------------------------------------------------------------------
# Full-width digits are common in text typed with a Chinese input method, so each digit class takes both.

_DIGIT = "[0-9０-９]"
_NO_DIGIT_BEFORE = f"(?<!{_DIGIT})"
_NO_DIGIT_AFTER = f"(?!{_DIGIT})"
_SEP = "[ \u00a0\u3000\\-－‐‑–—]"  # one space or dash between digit groups
_MASK = "[*＊xX×]"
_OPEN, _CLOSE = "[(（]", "[)）]"
_COUNTRY_CODE = f"(?:(?:[+＋]|00)?[8８][6６]{_SEP}?)"


def _digits(count: str) -> str:
    return f"{_DIGIT}{{{count}}}"


def _digit_or_mask(count: int) -> str:
    return f"(?:{_DIGIT}|{_MASK}){{{count}}}"


_MOBILE = re.compile(
    f"{_NO_DIGIT_BEFORE}{_COUNTRY_CODE}?[1１][3-9３-９]{_DIGIT}"
    f"{_SEP}?{_digit_or_mask(4)}{_SEP}?{_digit_or_mask(4)}{_NO_DIGIT_AFTER}"
)
# Area codes: 010 and 02x take 8-digit local numbers, 0xxx 7 or 8. Local numbers never start with 0 or 1.
_AREA_AND_LOCAL = (
    f"(?:(?P<area3>[0０](?:[1１][0０]|[2２]{_DIGIT}))|(?P<area4>[0０][3-9３-９]{_digits('2')}))"
    f"{_CLOSE}?{_SEP}?"
    f"[2-9２-９](?(area3){_digits('3')}|{_digits('2,3')}){_SEP}?{_digits('4')}{_NO_DIGIT_AFTER}"
)
_LANDLINE = re.compile(f"(?:{_OPEN}|{_NO_DIGIT_BEFORE}){_AREA_AND_LOCAL}")
_LANDLINE_INTERNATIONAL = re.compile(
    f"{_NO_DIGIT_BEFORE}(?:[+＋]|00)[8８][6６]{_SEP}?{_OPEN}?"
    f"(?:[1１][0０]|[2２]{_DIGIT}|[3-9３-９]{_digits('2')}){_CLOSE}?{_SEP}?"
    f"[2-9２-９]{_digits('2,3')}{_SEP}?{_digits('4')}{_NO_DIGIT_AFTER}"
)
_ID_18 = re.compile(
    f"{_NO_DIGIT_BEFORE}(?P<region>{_digits('6')}){_SEP}?(?P<birth>{_digits('8')}){_SEP}?"
    f"(?P<rest>{_digits('3')}[0-9０-９XxＸｘ]){_NO_DIGIT_AFTER}"
)
_ID_15 = re.compile(
    f"{_NO_DIGIT_BEFORE}(?P<region>{_digits('6')})(?P<birth>{_digits('6')}){_digits('3')}{_NO_DIGIT_AFTER}"
)
_ID_MASKED = re.compile(f"(?<![0-9０-９*＊]){_DIGIT}[0-9０-９*＊]{{16}}[0-9０-９XxＸｘ*＊](?![0-9０-９*＊])")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+[@＠]"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z])"
)
_BANK_CARD = re.compile(
    f"{_NO_DIGIT_BEFORE}(?P<main>{_digits('4')}(?:{_SEP}?{_digits('4')}){{3}})"
    f"(?:(?P<sep>{_SEP}?){_digits('1,3')})?{_NO_DIGIT_AFTER}"
)

# Province-level codes that begin every resident ID number (GB/T 2260), plus 83 for Taiwan residents' permits.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_EARLIEST_BIRTH_YEAR = 1800  # GB 11643's own example was born in 1880
_STARS = frozenset("*＊")
_MIN_MASKED_ID_STARS = 4

# When two candidates cover the same span, the more specific kind names it (an 18-digit number can pass both
# the ID and the Luhn check).
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        [
            PersonalDataKind.ID_NUMBER,
            PersonalDataKind.BANK_CARD,
            PersonalDataKind.PHONE,
            PersonalDataKind.EMAIL,
            PersonalDataKind.NAME,
        ]
    )
}

# What found spans are blanked out with between detection rounds: matched by no pattern and, being neither
# a digit, a letter nor a separator, neutral to every look-around, like the brackets around a label.
_BLANK = "\0"
_MIN_NAME_LENGTH = 2


# --- Detection ---------------------------------------------------------------------------------------------


def normalised_phone(number: str) -> str:
    """A phone number as digits, the way it is dialled within the country: 0731-88886666, (0731) 8888 6666 and
    +86 731 88886666 are one number."""
    digits = "".join(str(int(character)) for character in number if character.isdecimal())
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    else:
        return digits
    return digits if digits.startswith("1") else "0" + digits


def _find(text: str, names: tuple[str, ...], protected: re.Pattern[str]) -> list[Finding]:
    claimed = bytearray(len(text))  # 1 where a label already in the text, or a finding, sits
    labels = [(match.start(), match.end()) for match in protected.finditer(text)]
    for start, end in labels:
        claimed[start:end] = b"\1" * (end - start)
    visible = _blank_out(text, labels)
    findings: list[Finding] = []
    while True:
        found = _claim(_candidates(visible, names), claimed)
        if not found:
            return sorted(findings, key=lambda finding: finding.start)
        findings += found
        # A match can only have been blocked by a neighbour that is now blanked: look again.
        visible = _blank_out(visible, [(finding.start, finding.end) for finding in found])


def _candidates(text: str, names: tuple[str, ...]) -> Iterable[Finding]:
    for pattern in (_MOBILE, _LANDLINE, _LANDLINE_INTERNATIONAL):
        for match in pattern.finditer(text):
            yield Finding(PersonalDataKind.PHONE, match.start(), match.end())
    for match in _ID_18.finditer(text):
        if _is_resident_id(match["region"], match["birth"]):
            yield Finding(PersonalDataKind.ID_NUMBER, match.start(), match.end())
    for match in _ID_15.finditer(text):
        if _is_resident_id(match["region"], "19" + match["birth"]):
            yield Finding(PersonalDataKind.ID_NUMBER, match.start(), match.end())
    for match in _ID_MASKED.finditer(text):
        if sum(character in _STARS for character in match[0]) >= _MIN_MASKED_ID_STARS:
            yield Finding(PersonalDataKind.ID_NUMBER, match.start(), match.end())
    for match in _EMAIL.finditer(text):
        yield Finding(PersonalDataKind.EMAIL, match.start(), match.end())
    for match in _BANK_CARD.finditer(text):
        if _passes_luhn(match[0]):
            yield Finding(PersonalDataKind.BANK_CARD, match.start(), match.end())
        elif match["sep"] and _passes_luhn(match["main"]):
            # '6222 0212 3456 7890 123元': the last group was an amount, not part of the card number.
            yield Finding(PersonalDataKind.BANK_CARD, match.start(), match.end("main"))
    for name in names:
        start = text.find(name)
        while start != -1:
            yield Finding(PersonalDataKind.NAME, start, start + len(name))
            start = text.find(name, start + 1)


def _claim(candidates: Iterable[Finding], claimed: bytearray) -> list[Finding]:
    """The longest candidates that overlap nothing claimed so far, marked as claimed."""
    chosen: list[Finding] = []
    ordered = sorted(
        candidates, key=lambda found: (found.start - found.end, _PRIORITY[found.kind], found.start)
    )
    for candidate in ordered:
        if claimed.find(1, candidate.start, candidate.end) == -1:
            claimed[candidate.start : candidate.end] = b"\1" * (candidate.end - candidate.start)
            chosen.append(candidate)
    return chosen


def _blank_out(text: str, spans: Iterable[tuple[int, int]]) -> str:
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        pieces += [text[position:start], _BLANK * (end - start)]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _usable_names(private_names: Iterable[str]) -> tuple[str, ...]:
    names = {name.strip() for name in private_names}
    return tuple(
        sorted((name for name in names if len(name) >= _MIN_NAME_LENGTH), key=lambda n: (-len(n), n))
    )


@cache
def _protected_labels(labels: RedactionLabels) -> re.Pattern[str]:
    """Labels that may already be in a text (ours, in either language): never personal data themselves."""
    texts = {labels.for_kind(kind) for kind in PersonalDataKind}
    texts |= {known.for_kind(kind) for known in (CHINESE_LABELS, ENGLISH_LABELS) for kind in PersonalDataKind}
    return re.compile("|".join(re.escape(label) for label in sorted(texts, key=len, reverse=True)))


# --- Checks ------------------------------------------------------------------------------------------------


def _is_resident_id(region: str, birth: str) -> bool:
    """A real province and a real birth date. The GB 11643 check character is not required: a mistyped ID
    number still points at the person (one wrong digit of eighteen), so it is removed all the same."""
    if int(region[:2]) not in _PROVINCES:
        return False
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return False
    return born.year >= _EARLIEST_BIRTH_YEAR


def _passes_luhn(number: str) -> bool:
    digits = [int(character) for character in number if character.isdecimal()]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit *= 2
            total += digit - 9 if digit > 9 else digit
        else:
            total += digit
    return total % 10 == 0

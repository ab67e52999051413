"""Which of our units a citizen's words name: the accused unit of an allegation, as it was written.

Citizens write "A1区环保局" or just "生态环境局" rather than a unit code. A bureau is named when the text holds its
full name, its name within the division, or a common short form of it, and names either no division or, as the
lowest one it names, the bureau's own ("A市A1区住建局" names A1's, "A市住建局" the city's).
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from portal.categories import BUREAU_ALIASES, category_info
from portal.extensions import db
from portal.models import Bureau, Division


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _most_specific_division_named(text: str) -> int | None:
    """The id of the lowest division ``text`` names ("A市A1区" names A1), or None if it names none."""
    divisions = db.session.scalars(select(Division)).all()
    named = [d for d in divisions if _plain(d.name_zh) in text or _plain(d.name_en) in text]
    if not named:
        return None
    parents = {d.id: d.parent_id for d in divisions}

    def depth(division_id: int | None) -> int:
        steps = 0
        while division_id is not None:
            division_id, steps = parents.get(division_id), steps + 1
        return steps

    return max(named, key=lambda d: depth(d.id)).id


def names_bureau(text: str | None, bureau: Bureau) -> bool:
    """Whether ``text`` (an accused unit as the citizen wrote it) names ``bureau``."""
    written = _plain(text or "")
    if not written:
        return False
    if written in {_plain(bureau.code), _plain(bureau.name_zh), _plain(bureau.name_en)}:
        return True
    info = category_info(bureau.category.key)
    forms = {info.bureau_zh, info.bureau_en, *BUREAU_ALIASES.get(info.key, ())}
    if not any(_plain(form) in written for form in forms):
        return False
    # "环保局" alone is read as the bureau of the place the complaint is routed in; "B1县环保局" is another's.
    division = _most_specific_division_named(written)
    return division is None or division == bureau.division_id

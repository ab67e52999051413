"""``/hot``: the public page of hot issues, the same ranking as the API."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.hot.api import ranked
from portal.hot.service import DEFAULT_DAYS
from portal.http.i18n import current_language
from portal.http.limits import lookup_limit
from portal.http.pages import refusal_text
from portal.jurisdiction.service import division_choices
from portal.refusals import Refusal

hot_pages = Blueprint("hot", __name__)
WINDOWS = (7, 30, 90, 365)


@hot_pages.get("/hot")
@lookup_limit
def page() -> str | tuple[str, int]:
    choices = division_choices(current_language())
    try:
        days, division, issues = ranked(request.args.get("days"), request.args.get("division"))
    except Refusal as refusal:
        body = render_template(
            "hot/page.html",
            issues=[],
            days=DEFAULT_DAYS,
            division=None,
            windows=WINDOWS,
            divisions=choices,
            error=refusal_text(refusal),
        )
        return body, refusal.status
    return render_template(
        "hot/page.html",
        issues=issues,
        days=days,
        division=division,
        windows=WINDOWS,
        divisions=choices,
        error=None,
    )

"""The one-click unsubscribe: the link in every notice (RFC 8058 ``List-Unsubscribe``).

GET shows a button (mail scanners open links; they must not unsubscribe anyone); POST stops the notices: from
that button, or straight from a mail client's own "unsubscribe". The token in the link is the authority, so
the POST carries no CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from portal.extensions import csrf
from portal.http.pages import refusal_text
from portal.notifications import service
from portal.refusals import Refusal
from portal.unit_of_work import commit

notification_pages = Blueprint("notifications", __name__, url_prefix="/notifications")


def _no_store(body: str, status: int) -> tuple[str, int, dict[str, str]]:
    return body, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@notification_pages.get("/unsubscribe/<token>")
def unsubscribe(token: str) -> tuple[str, int, dict[str, str]] | Response:
    try:
        complaint = service.complaint_for_token(token)
    except Refusal as refusal:
        page = render_template("notifications/unsubscribe.html", error=refusal_text(refusal))
        return _no_store(page, refusal.status)
    page = render_template(
        "notifications/unsubscribe.html", code=complaint.tracking_code, token=token, active=complaint.notify
    )
    return _no_store(page, 200)


@notification_pages.post("/unsubscribe/<token>")
@csrf.exempt
def confirm_unsubscribe(token: str) -> tuple[str, int, dict[str, str]]:
    try:
        complaint = service.unsubscribe(token)
    except Refusal as refusal:
        page = render_template("notifications/unsubscribe.html", error=refusal_text(refusal))
        return _no_store(page, refusal.status)
    commit()
    page = render_template("notifications/unsubscribe.html", code=complaint.tracking_code, stopped=True)
    return _no_store(page, 200)

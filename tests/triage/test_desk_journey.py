"""The triage desk as an officer lives it: what a review needs before submitting, finished reviews, English pages,
and the staff's own error page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from portal.domain import Role
from tests.factories import file_via_api
from tests.triage.test_pages_and_api import ALLEGATION, VAGUE, sign_in

CJK = re.compile(r"[\u4e00-\u9fff]")


def _review_form(page: str) -> str:
    start = page.index('action="/staff/triage/')
    start = page.index("/misconduct", start)
    return page[start : page.index("</form>", start)]


def test_the_review_form_says_what_a_reason_needs_before_submitting(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE, **ALLEGATION)["tracking_code"]
    sign_in(app, client)
    form = _review_form(client.get(f"/staff/triage/{code}?lang=en").get_data(as_text=True))
    reason = re.search(r"<textarea[^>]*id=\"misconduct-reason\"[^>]*>", form)
    assert reason is not None
    assert "required" in reason.group()
    assert 'aria-describedby="misconduct-reason-hint"' in reason.group()
    assert "Required, to confirm or to dismiss" in form


def test_a_finished_review_no_longer_shows_the_form(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE, **ALLEGATION)["tracking_code"]
    sign_in(app, client)
    decided = {"misconduct-decision": "confirm", "misconduct-reason": "党员干部涉嫌吃拿卡要"}
    assert client.post(f"/staff/triage/{code}/misconduct", data=decided).status_code == 302
    page = client.get(f"/staff/triage/{code}?lang=en").get_data(as_text=True)
    assert "misconduct-decision" not in page
    assert "Reviewed: the allegation was confirmed" in page


def test_english_pages_show_no_generated_chinese_evidence(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE, **ALLEGATION)["tracking_code"]
    sign_in(app, client)
    page = client.get(f"/staff/triage/{code}?lang=en").get_data(as_text=True)
    evidence = page[page.index("Evidence") : page.index("</p>", page.index("Evidence"))]
    assert "举报人指认" not in page
    assert "党员：" not in page
    assert "the citizen&#39;s own allegation" in evidence or "the citizen's own allegation" in evidence
    # Any phrase quoted from the complaint is marked as Chinese, so a screen reader reads it as such.
    for quoted in re.findall(r"<q[^>]*>[^<]*</q>", evidence):
        assert 'lang="zh"' in quoted


def test_the_staff_403_page_is_a_staff_page(app: Flask, client: FlaskClient) -> None:
    sign_in(app, client, Role.BUREAU)
    response = client.get("/staff/triage/?lang=en")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Your account may not do this." in page
    assert "Sign out" in page  # the staff header, with the account
    assert 'href="/"' not in page  # no link to the filing form, the logo's neither
    assert "File a complaint" not in page
    assert "Back to the desks" in page


def test_the_staff_logo_leads_to_the_desks_not_the_filing_form(app: Flask, client: FlaskClient) -> None:
    assert 'class="brand" href="/staff/login"' in client.get("/staff/login").get_data(as_text=True)
    sign_in(app, client)
    for address in ("/staff/", "/staff/triage/"):
        page = client.get(address).get_data(as_text=True)
        assert 'class="brand" href="/staff/"' in page, address
    # The citizens' pages keep theirs.
    assert 'class="brand" href="/"' in client.get("/track").get_data(as_text=True)

"""Form pages as assistive technology reads them: no attribute says "None", every error is tied to its field, and
the summary at the top links to each field in error."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.factories import VALID_COMPLAINT, file_via_api


def _ids(page: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page))


def _check(page: str) -> None:
    assert '="None"' not in page
    ids = _ids(page)
    for described in re.findall(r'aria-describedby="([^"]+)"', page):
        assert set(described.split()) <= ids, described


def test_the_filing_form_in_error_ties_every_message_to_its_field(client: FlaskClient) -> None:
    _check(client.get("/").get_data(as_text=True))
    page = client.post("/", data={**VALID_COMPLAINT, "title": "短", "contact-phone": "call me"}).get_data(
        as_text=True
    )
    _check(page)
    assert 'id="title" ' in page or 'id="title"' in page
    assert re.search(
        r'<input[^>]*aria-describedby="[^"]*title-error-1[^"]*"[^>]*aria-invalid="true"', page
    ) or re.search(r'<input[^>]*aria-invalid="true"[^>]*id="title"', page)
    summary = page[page.index('id="error-summary"') :]
    assert 'href="#title"' in summary
    assert 'href="#contact-phone"' in summary


def test_the_follow_up_and_sign_in_forms_have_no_empty_attributes(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    _check(client.get(f"/track/{code}").get_data(as_text=True))
    _check(client.post(f"/track/{code}", data={"secret": "", "text": ""}).get_data(as_text=True))
    _check(client.get("/staff/login").get_data(as_text=True))

"""Case pages as a liaison officer lives them: the history, where an escalated case came from, no actions once closed."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from escalation import cases
from escalation.models import Case
from escalation.vocabulary import CaseAction, CaseKind, Outcome
from portal.complaints.lookup import find_by_code
from portal.domain import Role, Track
from portal.extensions import db
from portal.models.types import utcnow
from portal.unit_of_work import commit
from tests.factories import PASSWORD, file_via_api, make_staff


def _escalated(app: Flask, client: FlaskClient) -> tuple[int, int]:
    """A county case that missed its deadline and went to the city just now (so the city's deadline is still
    ahead whatever today is): (county case id, city case id)."""
    code = file_via_api(client)["tracking_code"]
    opened = utcnow() - timedelta(days=30)
    with app.app_context():
        make_staff("county", Role.LIAISON, body="XD-A1:discipline")
        make_staff("city", Role.LIAISON, body="XD-A:discipline")
        first = cases.open_case(
            find_by_code(code),
            track=Track.DISCIPLINE,
            kind=CaseKind.MISCONDUCT,
            actor="t",
            reason="收受红包",
            now=opened,
        )
        commit()
        assert cases.sweep(utcnow()).escalated == 1
        commit()
        above = db.session.scalars(select(Case).where(Case.parent_id == first.id)).one()
        return first.id, above.id


def _sign_in(client: FlaskClient, username: str) -> None:
    client.post("/staff/logout")
    client.post("/staff/login", data={"username": username, "password": PASSWORD})


def test_an_escalated_case_says_where_it_came_from_and_shows_its_history(
    app: Flask, client: FlaskClient
) -> None:
    first, above = _escalated(app, client)
    _sign_in(client, "city")
    page = client.get(f"/staff/escalations/{above}?lang=en").get_data(as_text=True)
    assert "Where this case came from" in page
    assert f"Escalated from case {first}" in page
    assert "Case history" in page
    # The county's opening and its missed deadline, then the city's own opening, in that order.
    history = page[page.index('id="history-title"') :]
    assert (
        history.index("Case opened with")
        < history.index("missed its deadline")
        < history.index("Escalated to")
    )


def test_a_closed_case_offers_no_action(app: Flask, client: FlaskClient) -> None:
    _first, above = _escalated(app, client)
    _sign_in(client, "city")
    url = f"/staff/escalations/{above}?lang=en"
    assert 'value="acknowledge"' in client.get(url).get_data(as_text=True)
    done = client.post(url, data={"action": "act", "outcome": "admonition", "text": "谈话提醒"})
    assert done.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "This case is closed" in page
    assert 'name="action"' not in page
    assert client.post(url, data={"action": "decline", "text": "再议"}).status_code == 409


def test_an_acknowledged_case_is_not_offered_a_second_acknowledgement(
    app: Flask, client: FlaskClient
) -> None:
    code = file_via_api(client)["tracking_code"]
    with app.app_context():
        officer = make_staff("county", Role.LIAISON, body="XD-A1:discipline")
        case = cases.open_case(
            find_by_code(code), track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="t"
        )
        cases.record_action(case, CaseAction.ACKNOWLEDGE, staff=officer)
        commit()
        case_id = case.id
    _sign_in(client, "county")
    page = client.get(f"/staff/escalations/{case_id}").get_data(as_text=True)
    assert 'value="acknowledge"' not in page
    assert 'value="investigate"' in page
    assert Outcome.ADMONITION.value in page

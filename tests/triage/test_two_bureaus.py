"""Two-bureau complaints at the triage desk: the two-strong-categories reason, and routing to two bureaus."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.extensions import db
from portal.models import ComplaintStatus, Event, SecondBureau
from tests.factories import PASSWORD, bearer, file_via_api, make_staff
from tests.triage.texts import VAGUE
from triage import classifier
from triage.classification import two_strong_reason
from triage.engine.model import Prediction
from triage.engine.threshold import two_strong


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ([("environment", 0.5), ("transport", 0.4), ("housing_urban", 0.1)], ("environment", "transport")),
        ([("environment", 0.5), ("transport", 0.25), ("housing_urban", 0.25)], ("environment", "transport")),
        # The second is above the floor but under half the first: one category, clearly.
        ([("environment", 0.7), ("transport", 0.3)], None),
        # Half the first, but below the floor: the model is unsure of everything, not torn between two.
        ([("environment", 0.3), ("transport", 0.2), ("housing_urban", 0.2)], None),
        ([("environment", 0.99), ("transport", 0.01)], None),
        ([("environment", 1.0)], None),
    ],
)
def test_two_categories_are_both_strong_above_the_floor_and_near_the_first(
    top: list[tuple[str, float]], expected: tuple[str, str] | None
) -> None:
    assert two_strong(top) == expected


@pytest.fixture
def config_overrides(config_overrides: dict[str, Any]) -> dict[str, Any]:
    # A threshold the fabricated prediction reaches: without the rule it would be routed automatically.
    return {**config_overrides, "TRIAGE_THRESHOLD": 0.4}


def test_a_complaint_with_two_strong_categories_goes_to_the_desk_naming_both(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = [("environment", 0.52), ("transport", 0.41), ("housing_urban", 0.07)]

    def torn(_loaded: object, complaints: list[object]) -> list[Prediction]:
        return [Prediction("environment", 0.52, top, True) for _ in complaints]

    monkeypatch.setattr(classifier, "predict_many", torn)
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        assert find_by_code(code).status is ComplaintStatus.TRIAGE
        queued = db.session.scalars(select(Event).where(Event.kind == "queued_for_triage")).one()
        assert queued.payload["reason"] == two_strong_reason("environment", "transport")
        assert "environment" in queued.payload["reason"]
        assert "transport" in queued.payload["reason"]
        assert queued.payload["categories"] == ["environment", "transport"]
        make_staff("officer", Role.TRIAGE)
    client.post("/staff/login", data={"username": "officer", "password": PASSWORD})
    page = client.get(f"/staff/triage/{code}").get_data(as_text=True)
    assert "两个类别都很可能" in page
    # The second bureau is offered, prefilled with the second category's bureau, for the officer to keep or clear.
    assert '<option selected value="XD-A1:transport">' in page


def _sign_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("officer", Role.TRIAGE)
    client.post("/staff/login", data={"username": "officer", "password": PASSWORD})


def test_the_desk_routes_to_two_bureaus_each_with_its_own_round(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    _sign_in(app, client)
    done = client.post(
        f"/staff/triage/{code}/routing",
        data={
            "route-category": "environment",
            "route-second_bureau": "XD-A1:transport",
            "route-reason": "两部门",
        },
    )
    assert done.status_code == 302
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint.bureau.code == "XD-A1:environment"
        second = db.session.scalars(select(SecondBureau)).one()
        assert second.bureau.code == "XD-A1:transport"
        assert second.reply_due_at == complaint.reply_due_at
        assigned = db.session.scalars(select(Event).where(Event.kind == "second_bureau_assigned")).one()
        assert assigned.public
        assert assigned.payload["bureau"] == "XD-A1:transport"
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["second_bureau"]["bureau"]["code"] == "XD-A1:transport"
    assert "A1区交通运输局" in view["timeline"][-1]["text"]
    english = client.get(f"/api/v1/complaints/{code}", headers={"Accept-Language": "en"}).get_json()
    assert english["timeline"][-1]["text"].startswith("Also sent to")


def test_the_desk_refuses_the_same_bureau_twice_and_one_of_another_division(
    app: Flask, client: FlaskClient
) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    _sign_in(app, client)
    url = f"/staff/triage/{code}/routing"
    same = client.post(
        url,
        data={
            "route-category": "environment",
            "route-second_bureau": "XD-A1:environment",
            "route-reason": "x",
        },
    )
    assert same.status_code == 422
    assert "第二个部门须与第一个不同" in same.get_data(as_text=True)
    elsewhere = client.post(
        url,
        data={"route-category": "environment", "route-second_bureau": "XD-A2:transport", "route-reason": "x"},
    )
    assert elsewhere.status_code == 422
    assert "XD-A1" in elsewhere.get_data(as_text=True)
    with app.app_context():
        assert find_by_code(code).status is ComplaintStatus.TRIAGE
        assert db.session.scalars(select(SecondBureau)).all() == []


def test_the_api_routes_to_two_bureaus_and_refuses_in_the_callers_language(
    app: Flask, client: FlaskClient
) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
        officer = bearer("env", Role.BUREAU, bureau="XD-A1:environment")
    url = f"/api/v1/complaints/{code}/routing"
    body = {"category": "environment", "reason": "两部门", "second_bureau": "XD-A1:transport"}
    assert client.post(url, json=body, headers=officer).status_code == 403
    english = {**triage, "Accept-Language": "en"}
    same = client.post(url, json={**body, "second_bureau": "XD-A1:environment"}, headers=english)
    assert same.status_code == 422
    assert same.get_json()["error"]["code"] == "same_bureau_twice"
    assert "must differ" in same.get_json()["error"]["message"]
    elsewhere = client.post(url, json={**body, "second_bureau": "XD-B1:transport"}, headers=triage)
    assert elsewhere.status_code == 422
    assert elsewhere.get_json()["error"]["code"] == "second_bureau_elsewhere"
    unknown = client.post(url, json={**body, "second_bureau": "nowhere"}, headers=triage)
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["code"] == "unknown_second_bureau"
    done = client.post(url, json=body, headers=triage)
    assert done.status_code == 201
    view = done.get_json()
    assert view["bureau"]["code"] == "XD-A1:environment"
    assert view["second_bureau"]["bureau"]["code"] == "XD-A1:transport"
    assert view["second_bureau"]["replied_at"] is None
    # Re-routed without a second bureau: the second bureau is withdrawn, on the record.
    again = client.post(url, json={"category": "environment", "reason": "只涉及环保"}, headers=triage)
    assert again.status_code == 201
    assert again.get_json()["second_bureau"] is None
    assert again.get_json()["timeline"][-1]["kind"] == "second_bureau_withdrawn"

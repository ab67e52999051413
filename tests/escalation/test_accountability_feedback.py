"""Accountability gains the follow-up visits: per bureau, fixed / partly / not and satisfied / basically /
unsatisfied, with shares only from FEEDBACK_MIN_ANSWERS answers on."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.complaints.lookup import find_by_code
from portal.complaints.routing import route
from portal.domain import Role
from portal.models import RoutedBy
from portal.unit_of_work import commit
from tests.factories import bearer, file_via_api

pytestmark = pytest.mark.parametrize("config_overrides", [{"FEEDBACK_MIN_ANSWERS": 3}])


def answered(
    app: Flask, client: FlaskClient, officer: dict[str, str], category: str, fixed: str, satisfaction: str
) -> None:
    receipt = file_via_api(client)
    code = receipt["tracking_code"]
    with app.app_context():
        route(find_by_code(code), category, routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
    resolved = client.post(
        f"/api/v1/complaints/{code}/replies", json={"text": "已处理。", "resolve": True}, headers=officer
    )
    assert resolved.status_code == 201
    given = client.post(
        f"/api/v1/complaints/{code}/feedback",
        json={"secret": receipt["follow_up_secret"], "fixed": fixed, "satisfaction": satisfaction},
    )
    assert given.status_code == 201


def bureau_row(client: FlaskClient, code: str) -> dict[str, object]:
    figures = client.get("/api/v1/accountability?division=XD-A1").get_json()
    return next(row for row in figures["bureaus"] if row["code"] == code)


def test_shares_per_bureau_from_the_minimum_number_of_answers(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        housing = bearer("housing", Role.BUREAU, bureau="XD-A1:housing_urban")
        transport = bearer("transport", Role.BUREAU, bureau="XD-A1:transport")
    for fixed, satisfaction in (
        ("yes", "satisfied"),
        ("partly", "basically_satisfied"),
        ("no", "unsatisfied"),
    ):
        answered(app, client, housing, "housing_urban", fixed, satisfaction)
    answered(app, client, transport, "transport", "no", "unsatisfied")

    housing_row = bureau_row(client, "XD-A1:housing_urban")["feedback"]
    assert housing_row["answers"] == 3
    assert (housing_row["fixed"], housing_row["partly_fixed"], housing_row["not_fixed"]) == (1, 1, 1)
    assert housing_row["fixed_share"] == pytest.approx(1 / 3)
    assert housing_row["unsatisfied_share"] == pytest.approx(1 / 3)
    # One answer is counted, but ranks nobody: no share below the minimum.
    transport_row = bureau_row(client, "XD-A1:transport")["feedback"]
    assert (transport_row["answers"], transport_row["not_fixed"]) == (1, 1)
    assert transport_row["not_fixed_share"] is None
    assert transport_row["unsatisfied_share"] is None
    untouched = bureau_row(client, "XD-A1:environment")["feedback"]
    assert untouched["answers"] == 0

    page = client.get("/accountability?division=XD-A1&lang=en").get_data(as_text=True)
    assert "Follow-up visits: fixed and satisfied?" in page
    assert "Bureaus: satisfaction at the follow-up visit" in page  # the chart, for housing only
    assert "from 3 answers on" in page
    section = page.split("Follow-up visits: fixed and satisfied?", 1)[1]
    assert section.count("33%") == 6  # housing: a third in each column
    assert 'District A1 Transport Bureau</td><td class="num">1</td><td class="num">–' in section

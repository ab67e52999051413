"""Classification in the portal: confident predictions route, the rest and every misconduct flag wait for staff."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.extensions import db
from portal.models import RoutedBy
from portal.unit_of_work import commit
from tests.factories import file_via_api, make_staff
from tests.triage.texts import VAGUE
from triage import decisions
from triage.models import ExampleSource, LabelledExample


def test_urgent_first_then_oldest_first(app: Flask, client: FlaskClient) -> None:
    first = file_via_api(client, **VAGUE)["tracking_code"]
    second = file_via_api(
        client, title="请领导再关注一下", body="问题一直拖着没有解决，希望有关部门尽快处理。"
    )["tracking_code"]
    urgent = file_via_api(client, **VAGUE, misconduct={"accused_unit": "A1区某街道办", "party_member": "no"})[
        "tracking_code"
    ]
    with app.app_context():
        order = [item.complaint.tracking_code for item in decisions.queue().items]
    assert order == [urgent, first, second]


def test_corrections_need_a_reason_and_become_training_examples(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        officer = make_staff("tri", Role.TRIAGE)
        complaint = find_by_code(code)
        suggested = decisions.assessment_of(complaint).category_key
        other = "transport" if suggested != "transport" else "environment"
        with pytest.raises(decisions.ReasonRequired):
            decisions.decide_routing(complaint, category_key=other, staff=officer)
        example = decisions.decide_routing(
            complaint, category_key=other, staff=officer, reason="涉及公交线路"
        )
        commit()
        assert example.source is ExampleSource.CORRECTION
        assert complaint.bureau.code == f"XD-A1:{other}"
        assert complaint.routed_by is RoutedBy.STAFF
        assert decisions.labelled_examples() == [(complaint.title, complaint.body, other)]


def test_confirming_the_model_needs_no_reason(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        officer = make_staff("tri", Role.TRIAGE)
        complaint = find_by_code(code)
        suggested = decisions.assessment_of(complaint).category_key
        example = decisions.decide_routing(complaint, category_key=suggested, staff=officer)
        assert example.source is ExampleSource.CONFIRMATION


def test_rerouting_elsewhere_needs_a_known_division(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        officer = make_staff("tri", Role.TRIAGE)
        complaint = find_by_code(code)
        with pytest.raises(decisions.UnknownTarget):
            decisions.decide_routing(
                complaint, category_key="transport", staff=officer, division_code="XD-Z", reason="跨区"
            )
        decisions.decide_routing(
            complaint, category_key="transport", staff=officer, division_code="XD-B1", reason="问题发生在B1县"
        )
        assert complaint.bureau.code == "XD-B1:transport"
        assert db.session.scalars(select(LabelledExample)).one().category_key == "transport"

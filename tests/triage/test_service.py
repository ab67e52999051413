"""Classification in the portal: confident predictions route, the rest and every misconduct flag wait for staff."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.domain import Role
from portal.extensions import db
from portal.intake.service import find_by_code
from portal.models import ComplaintStatus, Event, RoutedBy
from portal.unit_of_work import commit
from tests.factories import file_via_api, make_staff
from triage import service
from triage.models import Assessment, ExampleSource, LabelledExample, MisconductReview

CLEAR_ENVIRONMENT = {
    "title": "化工厂夜间偷排废水，河水发黑发臭",
    "body": "A1区清水河上游的化工厂每天夜里偷偷排放污水，河水发黑发臭，鱼大量死亡，附近居民不敢开窗，请环保部门查处。",
}
VAGUE = {"title": "请领导关注一下", "body": "这个问题已经反映很多次了，希望有关部门重视，尽快解决。"}


def test_a_clear_complaint_is_routed_to_the_right_bureau_of_its_division(
    app: Flask, client: FlaskClient
) -> None:
    code = file_via_api(client, **CLEAR_ENVIRONMENT)["tracking_code"]
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint.status is ComplaintStatus.ROUTED
        assert complaint.bureau.code == "XD-A1:environment"
        assert complaint.routed_by is RoutedBy.MODEL
        assessment = db.session.scalars(select(Assessment)).one()
        assert assessment.auto_routed
        assert complaint.model_version == assessment.model_version is not None
        assert assessment.confidence >= assessment.threshold
        assert len(assessment.top) == 3
        routed = db.session.scalars(select(Event).where(Event.kind == "routed")).one()
        assert routed.payload["model_version"] == assessment.model_version
        assert routed.actor == f"model:{assessment.model_version}"
        assert complaint.reply_due_at is not None
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["bureau"]["name"] == "A1区生态环境局"
    assert "自动分办" in view["timeline"][-1]["text"]


def test_an_unclear_complaint_waits_for_a_human(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint.status is ComplaintStatus.TRIAGE
        [item] = service.queue()
        assert item.needs_routing
        assert item.assessment is not None
        assert item.assessment.confidence < item.assessment.threshold


@pytest.mark.parametrize("config_overrides", [{"TRIAGE_THRESHOLD": 1.0}])
def test_the_threshold_is_configurable(app: Flask, client: FlaskClient, config_overrides: dict) -> None:
    code = file_via_api(client, **CLEAR_ENVIRONMENT)["tracking_code"]
    with app.app_context():
        assert find_by_code(code).status is ComplaintStatus.TRIAGE


def test_misconduct_is_flagged_and_never_routed_automatically(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(
        client,
        title="环保局执法人员收钱包庇排污企业",
        body="A1区生态环境局的执法人员李某多次收受化工厂的红包，对夜间偷排废水的问题视而不见，群众举报后也不作为。",
    )["tracking_code"]
    with app.app_context():
        # Clearly an environment complaint, but it accuses that very bureau: a human must decide.
        complaint = find_by_code(code)
        assert complaint.status is ComplaintStatus.TRIAGE
        assert complaint.bureau is None
        assessment = db.session.scalars(select(Assessment)).one()
        assert assessment.misconduct_flag
        assert not assessment.auto_routed
        assert assessment.misconduct_review is MisconductReview.PENDING
        assert assessment.misconduct_evidence
        [item] = service.queue()
        assert item.needs_misconduct_review
        flagged = db.session.scalars(select(Event).where(Event.kind == "misconduct_flagged")).one()
        assert flagged.public is False
    timeline = client.get(f"/api/v1/complaints/{code}").get_json()["timeline"]
    assert "misconduct_flagged" not in [entry["kind"] for entry in timeline]


def test_urgent_first_then_oldest_first(app: Flask, client: FlaskClient) -> None:
    first = file_via_api(client, **VAGUE)["tracking_code"]
    second = file_via_api(
        client, title="请领导再关注一下", body="问题一直拖着没有解决，希望有关部门尽快处理。"
    )["tracking_code"]
    urgent = file_via_api(client, **VAGUE, misconduct={"accused_unit": "A1区某街道办", "party_member": "no"})[
        "tracking_code"
    ]
    with app.app_context():
        order = [item.complaint.tracking_code for item in service.queue()]
    assert order == [urgent, first, second]


def test_corrections_need_a_reason_and_become_training_examples(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        officer = make_staff("tri", Role.TRIAGE)
        complaint = find_by_code(code)
        suggested = service.assessment_of(complaint).category_key
        other = "transport" if suggested != "transport" else "environment"
        with pytest.raises(service.ReasonRequired):
            service.decide_routing(complaint, category_key=other, staff=officer)
        example = service.decide_routing(complaint, category_key=other, staff=officer, reason="涉及公交线路")
        commit()
        assert example.source is ExampleSource.CORRECTION
        assert complaint.bureau.code == f"XD-A1:{other}"
        assert complaint.routed_by is RoutedBy.STAFF
        assert service.labelled_examples() == [(complaint.title, complaint.body, other)]


def test_confirming_the_model_needs_no_reason(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        officer = make_staff("tri", Role.TRIAGE)
        complaint = find_by_code(code)
        suggested = service.assessment_of(complaint).category_key
        example = service.decide_routing(complaint, category_key=suggested, staff=officer)
        assert example.source is ExampleSource.CONFIRMATION


def test_rerouting_elsewhere_needs_a_known_division(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        officer = make_staff("tri", Role.TRIAGE)
        complaint = find_by_code(code)
        with pytest.raises(service.UnknownTarget):
            service.decide_routing(
                complaint, category_key="transport", staff=officer, division_code="XD-Z", reason="跨区"
            )
        service.decide_routing(
            complaint, category_key="transport", staff=officer, division_code="XD-B1", reason="问题发生在B1县"
        )
        assert complaint.bureau.code == "XD-B1:transport"
        assert db.session.scalars(select(LabelledExample)).one().category_key == "transport"


def test_without_an_active_model_everything_waits_for_a_human(app: Flask, client: FlaskClient) -> None:
    import shutil
    from pathlib import Path

    shutil.rmtree(Path(app.config["MODEL_FOLDER"]))
    code = file_via_api(client, **CLEAR_ENVIRONMENT)["tracking_code"]
    with app.app_context():
        assert find_by_code(code).status is ComplaintStatus.TRIAGE

"""Classification in the portal: confident predictions route, the rest and every misconduct flag wait for staff."""

from __future__ import annotations

import opencc
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.complaints.lookup import find_by_code
from portal.extensions import db
from portal.models import ComplaintStatus, Event, RoutedBy
from tests.factories import file_via_api
from tests.triage.texts import CLEAR_ENVIRONMENT, VAGUE
from triage import decisions
from triage.classification import ENGLISH_REASON
from triage.models import Assessment, MisconductReview


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
        [item] = decisions.queue().items
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
        [item] = decisions.queue().items
        assert item.needs_misconduct_review
        flagged = db.session.scalars(select(Event).where(Event.kind == "misconduct_flagged")).one()
        assert flagged.public is False
    timeline = client.get(f"/api/v1/complaints/{code}").get_json()["timeline"]
    assert "misconduct_flagged" not in [entry["kind"] for entry in timeline]


def test_without_an_active_model_everything_waits_for_a_human(app: Flask, client: FlaskClient) -> None:
    import shutil
    from pathlib import Path

    shutil.rmtree(Path(app.config["MODEL_FOLDER"]))
    code = file_via_api(client, **CLEAR_ENVIRONMENT)["tracking_code"]
    with app.app_context():
        assert find_by_code(code).status is ComplaintStatus.TRIAGE


def test_an_english_complaint_waits_for_a_human_with_the_reason(app: Flask, client: FlaskClient) -> None:
    # Even at a threshold every prediction reaches: the model's confidence on English text means nothing.
    app.config["TRIAGE_THRESHOLD"] = 0.0
    code = file_via_api(
        client,
        title="Bus stop blocked by street stalls",
        body="The bus stop outside my building has been blocked by food stalls for a month; we wait in the road.",
    )["tracking_code"]
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint.status is ComplaintStatus.TRIAGE
        queued = db.session.scalars(select(Event).where(Event.kind == "queued_for_triage")).one()
        assert queued.payload["reason"] == ENGLISH_REASON


def test_a_complaint_in_traditional_characters_is_routed_like_its_simplified_text(
    app: Flask, client: FlaskClient
) -> None:
    to_traditional = opencc.OpenCC("s2t")
    traditional = {key: to_traditional.convert(value) for key, value in CLEAR_ENVIRONMENT.items()}
    assert traditional != CLEAR_ENVIRONMENT
    code = file_via_api(client, **traditional)["tracking_code"]
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint.status is ComplaintStatus.ROUTED
        assert complaint.bureau.code == "XD-A1:environment"

"""The triage desk in the browser's terms (forms) and through the API."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from escalation.models import Case
from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.extensions import db
from tests.factories import PASSWORD, bearer, file_via_api, make_staff
from tests.triage.conftest import SEED_CORPUS
from triage import decisions
from triage.engine.dataset import read_examples
from triage.models import MisconductReview

VAGUE = {"title": "请领导关注一下", "body": "这个问题已经反映很多次了，希望有关部门重视，尽快解决。"}
ALLEGATION = {"misconduct": {"accused_name": "张某", "accused_unit": "A1区某街道办", "party_member": "yes"}}


def sign_in(app: Flask, client: FlaskClient, role: Role = Role.TRIAGE) -> None:
    with app.app_context():
        make_staff("officer", role)
    client.post("/staff/login", data={"username": "officer", "password": PASSWORD})


def test_queue_page_and_item_page_show_the_models_view(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    sign_in(app, client)
    queue = client.get("/staff/triage/").get_data(as_text=True)
    assert code in queue
    item = client.get(f"/staff/triage/{code}").get_data(as_text=True)
    assert "模型判断" in item
    assert item.count('<meter class="bar"') == 3


def test_correcting_on_the_desk_routes_and_records_the_reason(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    sign_in(app, client)
    with app.app_context():
        suggested = decisions.assessment_of(find_by_code(code)).category_key
    other = "transport" if suggested != "transport" else "environment"
    refused = client.post(f"/staff/triage/{code}/routing", data={"route-category": other, "route-reason": ""})
    assert refused.status_code == 422
    assert "请说明理由" in refused.get_data(as_text=True)
    done = client.post(
        f"/staff/triage/{code}/routing", data={"route-category": other, "route-reason": "改派"}
    )
    assert done.status_code == 302
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["bureau"]["code"] == f"XD-A1:{other}"
    assert "分办人员" in view["timeline"][-1]["text"]


def test_confirming_misconduct_on_the_desk_opens_a_case(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE, **ALLEGATION)["tracking_code"]
    sign_in(app, client)
    missing = client.post(f"/staff/triage/{code}/misconduct", data={"misconduct-decision": "confirm"})
    assert missing.status_code == 422
    done = client.post(
        f"/staff/triage/{code}/misconduct",
        data={"misconduct-decision": "confirm", "misconduct-reason": "党员干部涉嫌吃拿卡要"},
    )
    assert done.status_code == 302
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.body.code == "XD-A1:discipline"


def test_dismissing_misconduct_needs_a_reason_and_opens_nothing(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE, **ALLEGATION)["tracking_code"]
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
    url = f"/api/v1/complaints/{code}/misconduct-review"
    assert client.post(url, json={"decision": "dismiss"}, headers=headers).status_code == 422
    assert client.post(url, json={"decision": "maybe", "reason": "x"}, headers=headers).status_code == 422
    assert (
        client.post(url, json={"decision": "dismiss", "reason": "属于一般投诉"}, headers=headers).status_code
        == 201
    )
    with app.app_context():
        assert db.session.scalars(select(Case)).all() == []
        from triage.models import Assessment

        assert db.session.scalars(select(Assessment.misconduct_review)).one() is MisconductReview.DISMISSED
    queue = client.get("/api/v1/triage/queue", headers=headers).get_json()["queue"]
    assert all(not entry["needs_misconduct_review"] for entry in queue)


def test_referring_to_an_accused_oversight_body_goes_one_level_up(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE, **ALLEGATION)["tracking_code"]
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
    response = client.post(
        f"/api/v1/complaints/{code}/misconduct-review",
        headers=headers,
        json={
            "decision": "confirm",
            "track": "discipline",
            "reason": "被举报人为区纪委干部",
            "accused_unit_code": "XD-A1:discipline",
        },
    )
    assert response.status_code == 201
    [case] = response.get_json()["escalations"]
    assert case["body"]["code"] == "XD-A:discipline"


def test_routing_api(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
        bureau = bearer("bu", Role.BUREAU, bureau="XD-A1:environment")
    url = f"/api/v1/complaints/{code}/routing"
    assert (
        client.post(url, json={"category": "environment", "reason": "x"}, headers=bureau).status_code == 403
    )
    assert client.post(url, json={"category": "space"}, headers=headers).status_code == 422
    assert (
        client.post(
            url, json={"category": "environment", "division": "XD-Q", "reason": "x"}, headers=headers
        ).status_code
        == 422
    )
    ok = client.post(url, json={"category": "environment", "reason": "河道污染"}, headers=headers)
    assert ok.status_code == 201
    assert ok.get_json()["bureau"]["code"] == "XD-A1:environment"


def test_retrain_button_queues_the_job(app: Flask, client: FlaskClient) -> None:
    from triage import classifier

    sign_in(app, client)
    with app.app_context():
        before = len(classifier.registry().versions())
    response = client.post("/staff/triage/retrain")
    assert response.status_code == 302
    from portal import jobs

    assert jobs.wait_for_background(60, app)  # without Redis, the training runs on a thread of its own
    with app.app_context():
        assert len(classifier.registry().versions()) == before + 1


def test_a_case_opened_through_the_escalation_api_settles_the_pending_review(
    app: Flask, client: FlaskClient
) -> None:
    code = file_via_api(client, **VAGUE, **ALLEGATION)["tracking_code"]
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
    opened = client.post(
        f"/api/v1/complaints/{code}/escalations",
        headers=headers,
        json={"track": "discipline", "reason": "党员干部涉嫌吃拿卡要"},
    )
    assert opened.status_code == 201
    queue = client.get("/api/v1/triage/queue", headers=headers).get_json()["queue"]
    assert all(
        entry["complaint"]["tracking_code"] != code or not entry["needs_misconduct_review"] for entry in queue
    )


def test_a_review_is_decided_once(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE, **ALLEGATION)["tracking_code"]
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
    url = f"/api/v1/complaints/{code}/misconduct-review"
    assert (
        client.post(url, json={"decision": "confirm", "reason": "核实"}, headers=headers).status_code == 201
    )
    again = client.post(url, json={"decision": "confirm", "reason": "再次"}, headers=headers)
    assert again.status_code == 409
    late_dismissal = client.post(url, json={"decision": "dismiss", "reason": "撤回"}, headers=headers)
    assert late_dismissal.status_code == 409
    with app.app_context():
        assert len(db.session.scalars(select(Case)).all()) == 1


def test_a_resolved_complaint_cannot_be_rerouted(app: Flask, client: FlaskClient) -> None:
    from portal.bureau.replies import post_reply
    from portal.unit_of_work import commit

    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
        officer = make_staff("env", Role.BUREAU, bureau="XD-A1:environment")
        decisions.decide_routing(find_by_code(code), category_key="environment", staff=officer, reason="环境")
        post_reply(find_by_code(code), staff=officer, text="已处理", resolve=True)
        commit()
    response = client.post(
        f"/api/v1/complaints/{code}/routing",
        json={"category": "transport", "reason": "改派"},
        headers=headers,
    )
    assert response.status_code == 409


def test_corrections_replace_earlier_labels_of_the_same_complaint(app: Flask, client: FlaskClient) -> None:
    code = file_via_api(client, **VAGUE)["tracking_code"]
    with app.app_context():
        officer = make_staff("tri", Role.TRIAGE)
        decisions.decide_routing(
            find_by_code(code), category_key="environment", staff=officer, reason="先判环境"
        )
        decisions.decide_routing(
            find_by_code(code), category_key="transport", staff=officer, reason="实为交通"
        )
        assert [label for _title, _body, label in decisions.labelled_examples()] == ["transport"]


def test_a_complaint_never_goes_to_the_bureau_it_accuses(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        headers = bearer("accused-check", Role.TRIAGE)
    code = file_via_api(
        client, misconduct={"accused_name": "王科长", "accused_unit": "A1区环保局", "party_member": "no"}
    )["tracking_code"]
    refused = client.post(
        f"/api/v1/complaints/{code}/routing",
        json={"category": "environment", "reason": "河道污染"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "accused_bureau"
    assert "category" in refused.get_json()["error"]["fields"]
    elsewhere = client.post(
        f"/api/v1/complaints/{code}/routing",
        json={"category": "environment", "division": "XD-A", "reason": "由上级生态环境局办理"},
        headers=headers,
    )
    assert elsewhere.status_code == 201


def test_retraining_from_the_desk_says_when_the_new_model_stays_inactive(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    from triage import classifier

    # Four complaints per category: a model far worse than the active one, trained on all 458.
    examples = read_examples(SEED_CORPUS)
    small = [
        e for key in sorted({e.label for e in examples}) for e in [x for x in examples if x.label == key][:4]
    ]
    data = tmp_path / "small.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "body", "label"])
        writer.writerows([e.title, e.body, e.label] for e in small)
    app.config["TRIAGE_TRAINING_DATA"] = str(data)
    sign_in(app, client)
    with app.app_context():
        before = classifier.registry().active_version()
    from portal import jobs

    assert client.post("/staff/triage/retrain").status_code == 302
    assert jobs.wait_for_background(120, app)
    page = client.get("/staff/triage/")
    assert "不如当前模型，当前模型继续使用" in page.get_data(as_text=True)
    with app.app_context():
        assert classifier.registry().active_version() == before
        assert len(classifier.registry().versions()) == 2  # saved, not active

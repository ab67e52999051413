"""The follow-up visit (回访): answered once after a resolution; failed rounds reopen, the second goes to the
supervision body; bad input is refused with a message and stores nothing; unanswered visits close."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from portal.domain import Role
from portal.extensions import db
from portal.feedback.models import Visit
from portal.feedback.service import feedback_link_token
from portal.models import Complaint, Event
from tests.factories import bearer

BUREAU = "XD-A1:environment"


def filed_and_resolved(app: Flask, client: FlaskClient) -> tuple[str, str, dict[str, str]]:
    receipt = client.post(
        "/api/v1/complaints",
        json={"title": "河道垃圾无人清理", "body": "A1区清水河两岸垃圾堆积，已经发臭。", "division": "XD-A1"},
    ).get_json()
    code, secret = receipt["tracking_code"], receipt["follow_up_secret"]
    with app.app_context():
        officer = bearer("env", Role.BUREAU, bureau=BUREAU)
        from portal.complaints.lookup import find_by_code
        from portal.complaints.routing import route
        from portal.models import RoutedBy
        from portal.unit_of_work import commit

        route(find_by_code(code), "environment", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
    resolve(client, code, officer)
    return code, secret, officer


def resolve(client: FlaskClient, code: str, officer: dict[str, str]) -> None:
    done = client.post(
        f"/api/v1/complaints/{code}/replies", json={"text": "已清理。", "resolve": True}, headers=officer
    )
    assert done.status_code == 201, done.get_json()


def answer(client: FlaskClient, code: str, **body: Any) -> Any:
    return client.post(f"/api/v1/complaints/{code}/feedback", json=body, headers={"Accept-Language": "en"})


def kinds(client: FlaskClient, code: str) -> list[str]:
    return [item["kind"] for item in client.get(f"/api/v1/complaints/{code}").get_json()["timeline"]]


def test_not_fixed_reopens_and_a_second_failure_goes_to_supervision(app: Flask, client: FlaskClient) -> None:
    code, secret, officer = filed_and_resolved(app, client)
    with app.app_context():
        first_due = db.session.scalar(select(Complaint.reply_due_at).where(Complaint.tracking_code == code))
    first = answer(client, code, secret=secret, fixed="no", satisfaction="unsatisfied", comment="垃圾还在。")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["reopened"] is True
    assert first.get_json()["referred_to_supervision"] is False
    view = client.get(f"/api/v1/complaints/{code}").get_json()
    assert view["status"] == "reopened"
    assert view["bureau"]["code"] == BUREAU  # the same bureau owes the new answer
    # A new round: its own deadline (counted in whole working days, so today's filing and reopening share it),
    # and no reply of the bureau's yet.
    assert datetime.fromisoformat(view["reply_due_at"]) >= first_due
    with app.app_context():
        assert (
            db.session.scalar(select(Complaint.first_replied_at).where(Complaint.tracking_code == code))
            is None
        )
    assert kinds(client, code)[-2:] == ["feedback_given", "feedback_reopened"]
    assert view["timeline"][-2]["detail"] == "垃圾还在。"
    assert view["escalations"] == []

    resolve(client, code, officer)
    second = answer(client, code, secret=secret, fixed="partly", satisfaction="unsatisfied")
    assert second.status_code == 201
    assert second.get_json() | {"reply_due_at": None} == {
        "round": 2,
        "status": "resolved",
        "reopened": False,  # FEEDBACK_REOPEN_LIMIT is 1 by default
        "referred_to_supervision": True,
        "reply_due_at": None,
    }
    [case] = client.get(f"/api/v1/complaints/{code}").get_json()["escalations"]
    assert (case["body"]["code"], case["kind"], case["state"]) == ("XD-A1:supervision", "inaction", "open")
    # Not described as a missed deadline: the bureau replied, the citizen found it not solved.
    assert case["kind_label"] == "行政不作为：投诉人两次反映问题未解决"
    assert kinds(client, code)[-3:] == ["feedback_given", "case_opened", "feedback_limit_reached"]


@pytest.mark.parametrize("config_overrides", [{"FEEDBACK_REOPEN_LIMIT": 2}])
def test_the_reopen_limit_is_configurable(app: Flask, client: FlaskClient) -> None:
    code, secret, officer = filed_and_resolved(app, client)
    assert answer(client, code, secret=secret, fixed="no", satisfaction="satisfied").get_json()["reopened"]
    resolve(client, code, officer)
    second = answer(client, code, secret=secret, fixed="yes", satisfaction="unsatisfied").get_json()
    assert (second["reopened"], second["referred_to_supervision"]) == (True, True)


def test_a_fixed_and_satisfied_answer_closes_the_loop(app: Flask, client: FlaskClient) -> None:
    code, secret, _officer = filed_and_resolved(app, client)
    done = answer(client, code, secret=secret, fixed="yes", satisfaction="basically_satisfied")
    assert done.get_json()["reopened"] is False
    view = client.get(f"/api/v1/complaints/{code}", headers={"Accept-Language": "en"}).get_json()
    assert view["status"] == "resolved"
    assert view["timeline"][-1]["text"] == "Follow-up visit: Fixed; Basically satisfied"
    assert view["feedback"] is None  # nothing waits for an answer any more


def stored(app: Flask) -> tuple[int, int]:
    with app.app_context():
        answered = db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.answered_at.is_not(None))
        )
        return answered or 0, db.session.scalar(select(func.count()).select_from(Event)) or 0


def test_bad_input_is_refused_with_a_message_and_stores_nothing(app: Flask, client: FlaskClient) -> None:
    early = client.post(
        "/api/v1/complaints",
        json={
            "title": "公交站台被占",
            "body": "3路车站台被小摊占用，乘客只能站在马路上等车。",
            "division": "XD-A1",
        },
    ).get_json()
    before = answer(
        client,
        early["tracking_code"],
        secret=early["follow_up_secret"],
        fixed="yes",
        satisfaction="satisfied",
    )
    assert before.status_code == 409
    assert "has not resolved it" in before.get_json()["error"]["message"]

    code, secret, _officer = filed_and_resolved(app, client)
    nothing = stored(app)
    wrong = answer(client, code, secret="not-the-secret", fixed="no", satisfaction="unsatisfied")
    assert wrong.status_code == 403
    assert wrong.get_json()["error"]["message"] == "The follow-up secret does not match this complaint."
    unknown = answer(client, code, secret=secret, fixed="maybe", satisfaction="thrilled")
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["fields"] == {
        "fixed": ["Choose yes, partly or no."],
        "satisfaction": ["Choose satisfied, basically satisfied or unsatisfied."],
    }
    missing = answer(client, code, fixed="no", satisfaction="unsatisfied")
    assert missing.status_code == 422
    assert missing.get_json()["error"]["fields"] == {"secret": ["This field is required."]}
    assert answer(client, code, secret=secret, fixed=["no"], satisfaction="unsatisfied").status_code == 422
    assert client.post(f"/api/v1/complaints/{code}/feedback", data="no").status_code in (400, 415)
    assert stored(app) == nothing

    assert answer(client, code, secret=secret, fixed="yes", satisfaction="satisfied").status_code == 201
    after_first = stored(app)
    twice = answer(client, code, secret=secret, fixed="no", satisfaction="unsatisfied")
    assert twice.status_code == 409
    assert "already answered" in twice.get_json()["error"]["message"]
    assert stored(app) == after_first
    assert (
        answer(client, "FA-0000-0000-0000", secret=secret, fixed="no", satisfaction="no").status_code == 404
    )


def test_unanswered_visits_close_after_the_configured_time(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    code, secret, _officer = filed_and_resolved(app, client)
    with app.app_context():
        closes_at = db.session.scalar(select(Visit.closes_at))
        assert closes_at is not None
    early = runner.invoke(args=["feedback", "sweep", "--now", (closes_at - timedelta(hours=1)).isoformat()])
    assert "visits closed unanswered: 0" in early.output
    late = runner.invoke(args=["feedback", "sweep", "--now", (closes_at + timedelta(minutes=1)).isoformat()])
    assert late.exit_code == 0, late.output
    assert "visits closed unanswered: 1" in late.output
    assert kinds(client, code)[-1] == "feedback_closed"
    closed = answer(client, code, secret=secret, fixed="no", satisfaction="unsatisfied")
    assert closed.status_code == 409
    assert "has passed" in closed.get_json()["error"]["message"]


def test_the_page_answers_with_the_mail_link_or_the_secret(app: Flask, client: FlaskClient) -> None:
    code, secret, officer = filed_and_resolved(app, client)
    track = client.get(f"/track/{code}").get_data(as_text=True)
    assert f'href="/track/{code}/feedback"' in track
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
        token = feedback_link_token(complaint)
    assert token
    page = client.get(f"/track/{code}/feedback?token={token}&lang=en")
    assert page.status_code == 200
    assert 'name="secret"' not in page.get_data(as_text=True)  # the link stands in for the secret
    sent = client.post(
        f"/track/{code}/feedback", data={"token": token, "fixed": "no", "satisfaction": "satisfied"}
    )
    assert sent.status_code == 303
    assert kinds(client, code)[-1] == "feedback_reopened"
    resolve(client, code, officer)
    # The first round's link does not answer the second round.
    stale = client.post(
        f"/track/{code}/feedback?lang=en", data={"token": token, "fixed": "yes", "satisfaction": "satisfied"}
    )
    assert stale.status_code == 409
    refused = client.post(
        f"/track/{code}/feedback?lang=en",
        data={"secret": "wrong", "fixed": "yes", "satisfaction": "satisfied"},
    )
    assert refused.status_code == 403
    assert "The follow-up secret does not match" in refused.get_data(as_text=True)
    ok = client.post(
        f"/track/{code}/feedback", data={"secret": secret, "fixed": "yes", "satisfaction": "satisfied"}
    )
    assert ok.status_code == 303

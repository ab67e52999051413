"""What the public reads of a complaint or case, rewritten with plain SQL by someone who can write the database:
the public page and API refuse the row (409) and `flask ledger verify` names it; what the portal itself changes
keeps its seal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.extensions import db
from portal.unit_of_work import commit
from tests.factories import bearer, file_via_api
from tests.portal.bureau.test_second_bureau import two_bureau_complaint

MISCONDUCT = {"accused_name": "李某", "accused_unit": "某村村委会", "party_member": "yes"}


def rewrite(app: Flask, statement: str, **parameters: object) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.text(statement), parameters)


def open_case(app: Flask, client: FlaskClient) -> tuple[str, int]:
    code = file_via_api(client, misconduct=MISCONDUCT)["tracking_code"]
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    answer = client.post(
        f"/api/v1/complaints/{code}/escalations",
        json={"track": "discipline", "reason": "党员干部涉嫌挪用补助款"},
        headers=triage,
    )
    assert answer.status_code == 201, answer.get_json()
    return code, int(answer.get_json()["id"])


def assert_refused_publicly(client: FlaskClient, code: str) -> None:
    api = client.get(f"/api/v1/complaints/{code}", headers={"Accept-Language": "en"})
    assert api.status_code == 409, api.get_json()
    assert api.get_json()["error"]["code"] == "row_altered"
    page = client.get(f"/track/{code}")
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "在平台之外被改动过" in text
    assert "三天" not in text


def assert_named(runner: FlaskCliRunner, *names: str) -> None:
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1, result.output
    for name in names:
        assert f"{name} was changed outside the portal" in result.output, result.output


REWRITES: dict[str, Callable[[str], tuple[str, dict[str, object]]]] = {
    "body": lambda code: (
        "UPDATE complaints SET body = :body WHERE tracking_code = :code",
        {"body": "路灯坏了三天。", "code": code},
    ),
    "title": lambda code: (
        "UPDATE complaints SET title = :title WHERE tracking_code = :code",
        {"title": "一件小事三天", "code": code},
    ),
    "status": lambda code: (
        "UPDATE complaints SET status = 'resolved' WHERE tracking_code = :code",
        {"code": code},
    ),
    "routing": lambda code: (
        "UPDATE complaints SET bureau_id = (SELECT min(id) FROM bureaus) WHERE tracking_code = :code",
        {"code": code},
    ),
    "seal removed": lambda code: (
        "UPDATE complaints SET seal = NULL, body = 'x三天' WHERE tracking_code = :code",
        {"code": code},
    ),
}


@pytest.mark.parametrize("what", list(REWRITES))
def test_a_complaint_rewritten_in_the_database_is_refused_and_named(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, what: str
) -> None:
    code = file_via_api(client)["tracking_code"]
    other = file_via_api(client)["tracking_code"]
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    statement, parameters = REWRITES[what](code)
    rewrite(app, statement, **parameters)
    assert_refused_publicly(client, code)
    assert client.get(f"/api/v1/complaints/{other}").status_code == 200  # the others are still shown
    assert_named(runner, f"complaints {code}")


def test_a_case_outcome_rewritten_in_the_database_is_refused_and_named(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    code, case_id = open_case(app, client)
    assert client.get(f"/api/v1/complaints/{code}").status_code == 200
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    rewrite(
        app,
        "UPDATE escalation_cases SET state = 'acted', outcome = 'disciplinary_sanction' WHERE id = :id",
        id=case_id,
    )
    answer = client.get(f"/api/v1/complaints/{code}")
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "row_altered"
    assert_named(runner, f"escalation_cases #{case_id} of {code}")


def test_what_the_portal_changes_keeps_its_seal(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    code, case_id = open_case(app, client)
    with app.app_context():
        liaison = bearer("li", Role.LIAISON, body="XD-A1:discipline")
    for action in ({"action": "acknowledge"}, {"action": "investigate"}):
        answer = client.post(f"/api/v1/escalations/{case_id}/actions", json=action, headers=liaison)
        assert answer.status_code in (200, 201), answer.get_json()
    assert client.get(f"/api/v1/complaints/{code}").status_code == 200
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output


def test_rows_from_before_seals_are_sealed_once_and_a_removed_seal_is_not_laundered(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    codes = [file_via_api(client)["tracking_code"] for _ in range(2)]
    rewrite(app, "UPDATE complaints SET seal = NULL")  # as after the upgrade that added seals
    assert client.get(f"/api/v1/complaints/{codes[0]}").status_code == 409
    sealed = runner.invoke(args=["ledger", "seal", "--unsealed"])
    assert sealed.exit_code == 0, sealed.output
    assert "sealed 2 rows" in sealed.output
    assert client.get(f"/api/v1/complaints/{codes[0]}").status_code == 200
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0

    rewrite(app, "UPDATE complaints SET seal = NULL, body = 'x' WHERE tracking_code = :code", code=codes[1])
    again = runner.invoke(args=["ledger", "seal", "--unsealed"])
    assert again.exit_code == 1
    assert "their seals were removed in the database" in again.output
    assert client.get(f"/api/v1/complaints/{codes[1]}").status_code == 409
    # Every seal of the table wiped at once: the record says the table was sealed before.
    rewrite(app, "UPDATE complaints SET seal = NULL")
    wiped = runner.invoke(args=["ledger", "seal", "--unsealed"])
    assert wiped.exit_code == 1, wiped.output
    assert client.get(f"/api/v1/complaints/{codes[0]}").status_code == 409


def test_the_portals_next_change_does_not_launder_a_rewritten_row(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    code = file_via_api(client)["tracking_code"]
    rewrite(app, "UPDATE complaints SET body = '路灯坏了三天。' WHERE tracking_code = :code", code=code)
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    routed = client.post(
        f"/api/v1/complaints/{code}/routing",
        json={"category": "environment", "reason": "归环保"},
        headers=triage,
    )
    assert routed.status_code == 409  # the answer would show the row: refused, and nothing is changed
    # A change the portal makes without showing the row (a job, say) keeps the broken seal as it is.
    with app.app_context():
        complaint = find_by_code(code)
        assert complaint is not None
        complaint.address = "人民路与建设路交叉口"
        commit()
    assert_refused_publicly(client, code)
    assert_named(runner, f"complaints {code}")


def test_a_second_bureaus_round_rewritten_in_the_database_is_refused_and_named(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    code = two_bureau_complaint(client, triage)
    assert client.get(f"/api/v1/complaints/{code}").status_code == 200
    rewrite(
        app,
        "UPDATE second_bureaus SET resolved_at = routed_at, first_replied_at = routed_at "
        "WHERE complaint_id = (SELECT id FROM complaints WHERE tracking_code = :code)",
        code=code,
    )
    assert client.get(f"/api/v1/complaints/{code}").status_code == 409
    assert_named(runner, f"second_bureaus #1 of {code}")


def test_lists_leave_out_a_rewritten_row_and_show_the_rest(app: Flask, client: FlaskClient) -> None:
    altered = file_via_api(client)["tracking_code"]
    kept = file_via_api(client)["tracking_code"]
    rewrite(app, "UPDATE complaints SET title = '一切都好' WHERE tracking_code = :code", code=altered)
    listed = client.get("/open311/v2/requests.json")
    assert listed.status_code == 200
    assert [request["service_request_id"] for request in listed.get_json()] == [kept]
    with app.app_context():
        triage = bearer("tri", Role.TRIAGE)
    queue = client.get("/api/v1/triage/queue", headers=triage)
    assert queue.status_code == 200
    assert [item["complaint"]["tracking_code"] for item in queue.get_json()["queue"]] == [kept]

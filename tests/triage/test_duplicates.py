"""Duplicate linking at the triage desk and through its API: likely duplicates shown, link and unlink with a
reason, every refusal in the reader's language (never a 500), and the record intact afterwards."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.domain import Role
from portal.record import store as record_store
from tests.factories import PASSWORD, bearer, file_via_api, make_staff
from tests.queries import assert_flat
from tests.triage.texts import VAGUE


def _vague(client: FlaskClient, count: int = 1, **overrides: object) -> list[str]:
    """Too vague for the model: each waits in the triage queue, and they all look alike."""
    return [file_via_api(client, **{**VAGUE, **overrides})["tracking_code"] for _ in range(count)]


def _sign_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("officer", Role.TRIAGE)
    client.post("/staff/login", data={"username": "officer", "password": PASSWORD})


def test_the_desk_shows_likely_duplicates_and_links_one_with_a_reason(
    app: Flask, client: FlaskClient
) -> None:
    master, duplicate = _vague(client, 2)
    [elsewhere] = _vague(client, division="XD-A2")
    _sign_in(app, client)
    page = client.get(f"/staff/triage/{duplicate}?lang=zh").get_data(as_text=True)
    assert "可能重复的投诉" in page
    assert f"/staff/triage/{master}" in page
    assert elsewhere not in page  # another division is never offered
    assert f'value="{master}"' in page  # the most alike is the form's suggestion

    missing = client.post(f"/staff/triage/{duplicate}/link", data={"link-master": master})
    assert missing.status_code == 422
    itself = client.post(
        f"/staff/triage/{duplicate}/link?lang=zh", data={"link-master": duplicate, "link-reason": "同一问题"}
    )
    assert itself.status_code == 422
    assert "投诉不能与自身合并。" in itself.get_data(as_text=True)

    done = client.post(
        f"/staff/triage/{duplicate}/link", data={"link-master": master, "link-reason": "同一问题，同一地点"}
    )
    assert done.status_code == 302
    queue = client.get("/staff/triage/").get_data(as_text=True)
    assert f"/staff/triage/{duplicate}" not in queue  # it follows its master now
    assert f"/staff/triage/{master}" in queue
    linked = client.get(f"/staff/triage/{duplicate}?lang=en").get_data(as_text=True)
    assert f"This complaint is handled together with {master}" in linked
    assert 'name="unlink-reason"' in linked
    master_page = client.get(f"/staff/triage/{master}?lang=en").get_data(as_text=True)
    assert "Handled together with this complaint:" in master_page
    assert 'name="link-master"' not in master_page  # a master cannot become a duplicate

    back = client.post(f"/staff/triage/{duplicate}/unlink", data={"unlink-reason": "不是同一个问题"})
    assert back.status_code == 302
    assert f"/staff/triage/{duplicate}" in client.get("/staff/triage/").get_data(as_text=True)
    with app.app_context():
        result, _ids = record_store.verify()
        assert result.ok, result.summary()


def test_the_api_links_and_unlinks(app: Flask, client: FlaskClient) -> None:
    master, duplicate = _vague(client, 2)
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
    linked = client.post(
        f"/api/v1/triage/complaints/{duplicate}/link",
        json={"master": master.lower(), "reason": "同一问题"},
        headers={**headers, "Accept-Language": "en"},
    )
    assert linked.status_code == 201, linked.get_json()
    view = linked.get_json()
    assert view["tracking_code"] == duplicate
    assert view["duplicates"]["handled_with"]["tracking_code"] == master
    assert view["status_label"].startswith(f"Handled together with {master}: ")
    assert view["timeline"][-1]["kind"] == "linked_duplicate"
    master_view = client.get(f"/api/v1/complaints/{master}").get_json()
    assert master_view["duplicates"]["linked"] == [duplicate]
    assert master_view["timeline"][-1]["kind"] == "duplicate_linked"
    queue = client.get("/api/v1/triage/queue", headers=headers).get_json()["queue"]
    assert [item["complaint"]["tracking_code"] for item in queue] == [master]
    # Its routing is its master's: routing it by itself is refused until it is unlinked.
    routed = client.post(
        f"/api/v1/complaints/{duplicate}/routing",
        json={"category": "transport", "reason": "改派"},
        headers={**headers, "Accept-Language": "en"},
    )
    assert routed.status_code == 409
    assert routed.get_json()["error"]["code"] == "handled_with_master"
    assert master in routed.get_json()["error"]["message"]

    unlinked = client.post(
        f"/api/v1/triage/complaints/{duplicate}/unlink", json={"reason": "不是同一个问题"}, headers=headers
    )
    assert unlinked.status_code == 201, unlinked.get_json()
    assert unlinked.get_json()["duplicates"]["handled_with"] is None
    again = client.post(
        f"/api/v1/triage/complaints/{duplicate}/unlink", json={"reason": "再次解除"}, headers=headers
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "not_linked"


def test_the_api_refuses_in_the_readers_language(app: Flask, client: FlaskClient) -> None:
    first, second, third = _vague(client, 3)
    [elsewhere] = _vague(client, division="XD-A2")
    with app.app_context():
        headers = bearer("tri", Role.TRIAGE)
        bureau = bearer("bur", Role.BUREAU, bureau="XD-A1:environment")

    def link(
        code: str, body: object, language: str = "zh", who: dict[str, str] = headers
    ) -> tuple[int, dict]:
        answer = client.post(
            f"/api/v1/triage/complaints/{code}/link", json=body, headers={**who, "Accept-Language": language}
        )
        return answer.status_code, answer.get_json()["error"] if answer.status_code >= 400 else {}

    status, error = link(first, {"master": first, "reason": "同一问题"}, "en")
    assert (status, error["code"]) == (422, "duplicate_of_itself")
    assert error["message"] == "A complaint cannot be a duplicate of itself."
    status, error = link(first, {"master": "FA-0000-0000-0000", "reason": "同一问题"})
    assert (status, error["code"]) == (422, "unknown_master")
    assert error["fields"] == {"master": ["没有使用此追踪码的投诉，请核对后重试。"]}
    status, error = link(first, {"master": second})
    assert (status, list(error["fields"])) == (422, ["reason"])
    status, error = link(first, {"master": elsewhere, "reason": "同一问题"})
    assert (status, error["code"]) == (422, "master_in_other_division")
    malformed = client.post(
        f"/api/v1/triage/complaints/{first}/link", data="[", content_type="application/json", headers=headers
    )
    assert malformed.status_code == 400
    assert client.post(f"/api/v1/triage/complaints/{first}/link", json=[], headers=headers).status_code == 422
    status, error = link("FA-0000-0000-0000", {"master": first, "reason": "同一问题"})
    assert status == 404
    status, error = link(first, {"master": second, "reason": "同一问题"}, who=bureau)
    assert status == 403
    assert client.post(f"/api/v1/triage/complaints/{first}/link", json={}).status_code == 401

    assert link(second, {"master": first, "reason": "同一问题"})[0] == 201
    status, error = link(first, {"master": second, "reason": "同一问题"}, "en")
    assert (status, error["code"]) == (409, "duplicate_cycle")
    status, error = link(third, {"master": second, "reason": "同一问题"}, "en")
    assert (status, error["code"]) == (409, "master_is_duplicate")
    assert (
        error["message"]
        == f"That complaint is itself handled together with {first}: link to {first} instead."
    )
    status, error = link(second, {"master": third, "reason": "同一问题"})
    assert (status, error["code"]) == (409, "already_linked")
    assert first in error["message"]
    with app.app_context():
        result, _ids = record_store.verify()
        assert result.ok, result.summary()


def test_the_desk_page_runs_the_same_queries_for_few_or_many_likely_duplicates(
    app: Flask, client: FlaskClient
) -> None:
    master, duplicate = _vague(client, 2)
    _sign_in(app, client)
    client.post(f"/staff/triage/{duplicate}/link", data={"link-master": master, "link-reason": "同一问题"})
    [complaint] = _vague(client)
    assert_flat(app, lambda: client.get(f"/staff/triage/{complaint}"), lambda: _vague(client, 8))
    page = client.get(f"/staff/triage/{complaint}").get_data(as_text=True)
    assert page.count('<tr><td><a href="/staff/triage/FA-') == 5
    assert f'<a href="/staff/triage/{duplicate}"' not in page  # a duplicate is not offered: its master is


def test_only_triage_officers_link_at_the_desk(app: Flask, client: FlaskClient) -> None:
    master, duplicate = _vague(client, 2)
    with app.app_context():
        make_staff("bureau-officer", Role.BUREAU, bureau="XD-A1:environment")
    client.post("/staff/login", data={"username": "bureau-officer", "password": PASSWORD})
    refused = client.post(
        f"/staff/triage/{duplicate}/link", data={"link-master": master, "link-reason": "同一问题"}
    )
    assert refused.status_code == 403
    assert client.get(f"/api/v1/complaints/{duplicate}").get_json()["duplicates"]["handled_with"] is None

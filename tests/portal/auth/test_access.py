"""Staff sign-in, bearer tokens, and deny-by-default access to every staff page and staff API route."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.auth.access import PUBLIC_ATTRIBUTE
from portal.auth.accounts import issue_token
from portal.models import Role
from tests.factories import PASSWORD, make_staff


def sample_url(rule: str) -> str:
    return re.sub(
        r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: "1" if m.group(1).endswith("id") else "FA-0000-0000-0000", rule
    )


def protected_routes(app: Flask) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        staff_side = rule.rule.startswith("/staff") or rule.rule.startswith("/api/")
        if not staff_side or getattr(view, PUBLIC_ATTRIBUTE, False):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, sample_url(rule.rule)))
    return routes


def test_there_are_protected_routes_to_check(app: Flask) -> None:
    assert len(protected_routes(app)) >= 2


def test_every_staff_page_and_staff_api_route_refuses_anonymous_access(
    app: Flask, client: FlaskClient
) -> None:
    for method, url in protected_routes(app):
        response = client.open(url, method=method, json={} if method != "GET" else None)
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        else:
            assert response.status_code == 302, (method, url)
            assert "/staff/login" in response.headers["Location"], (method, url)


def test_every_staff_api_route_refuses_a_bogus_token(app: Flask, client: FlaskClient) -> None:
    for method, url in protected_routes(app):
        if url.startswith("/api/"):
            response = client.open(url, method=method, headers={"Authorization": "Bearer fat_nope"})
            assert response.status_code == 401, (method, url)


def test_login_with_the_right_password(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("triage1", Role.TRIAGE)
    assert client.get("/staff/").status_code == 302
    bad = client.post("/staff/login", data={"username": "triage1", "password": "wrong"})
    assert bad.status_code == 401
    assert "用户名或密码错误。" in bad.get_data(as_text=True)
    good = client.post("/staff/login?next=/staff/", data={"username": "triage1", "password": PASSWORD})
    assert good.status_code == 302
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_login_never_redirects_off_site(app: Flask, client: FlaskClient, target: str) -> None:
    with app.app_context():
        make_staff("triage1", Role.TRIAGE)
    response = client.post(f"/staff/login?next={target}", data={"username": "triage1", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/"


def test_deactivated_staff_cannot_sign_in_or_use_tokens(app: Flask, client: FlaskClient) -> None:
    from portal.extensions import db

    with app.app_context():
        user = make_staff("gone", Role.ADMIN)
        token, _ = issue_token(user)
        user.active = False
        db.session.commit()
    assert (
        client.post("/api/v1/auth/tokens", json={"username": "gone", "password": PASSWORD}).status_code == 401
    )
    response = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200  # public anyway; staff routes are covered below
    for method, url in protected_routes(app):
        if url.startswith("/api/"):
            assert (
                client.open(url, method=method, headers={"Authorization": f"Bearer {token}"}).status_code
                == 401
            )


def test_token_endpoint(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("liaison1", Role.LIAISON, body="XD-A1:discipline")
    assert client.post("/api/v1/auth/tokens", json={"username": "liaison1"}).status_code == 422
    assert (
        client.post("/api/v1/auth/tokens", json={"username": "liaison1", "password": "x"}).status_code == 401
    )
    response = client.post("/api/v1/auth/tokens", json={"username": "liaison1", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("fat_")
    assert body["user"] == {"username": "liaison1", "role": "liaison"}


def test_tokens_are_stored_hashed(app: Flask) -> None:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import ApiToken

    with app.app_context():
        token, _ = issue_token(make_staff("admin1", Role.ADMIN))
        db.session.commit()
        stored = db.session.scalars(select(ApiToken.token_hash)).one()
    assert token not in stored
    assert len(stored) == 64


def test_a_cookie_saved_before_logout_opens_nothing_after_it(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    saved = client.get_cookie("session")
    assert saved is not None
    assert client.get("/staff/triage/").status_code == 200
    client.post("/staff/logout")
    thief = app.test_client()
    thief.set_cookie("session", saved.value)
    replayed = thief.get("/staff/triage/")
    assert replayed.status_code == 302
    assert "/staff/login" in replayed.headers["Location"]


@pytest.mark.parametrize("config_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_signing_in_starts_a_fresh_session(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    with client.session_transaction() as before:
        anonymous_secret = before["csrf_token"]
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD, "csrf_token": token.group(1)})
    with client.session_transaction() as after:
        assert after.get("csrf_token") != anonymous_secret


def test_an_api_token_can_be_revoked(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    issued = client.post("/api/v1/auth/tokens", json={"username": "tri", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert client.get("/api/v1/triage/queue", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/tokens/current", headers=headers).status_code == 204
    assert client.get("/api/v1/triage/queue", headers=headers).status_code == 401


def test_signing_an_account_out_everywhere(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        user = make_staff("tri", Role.TRIAGE)
        token, _expires = issue_token(user)
        from portal.unit_of_work import commit

        commit()
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    result = app.test_cli_runner().invoke(args=["users", "sign-out", "tri"])
    assert result.exit_code == 0, result.output
    assert "1 token(s) revoked" in result.output
    assert client.get("/staff/triage/").status_code == 302
    assert client.get("/api/v1/triage/queue", headers={"Authorization": f"Bearer {token}"}).status_code == 401

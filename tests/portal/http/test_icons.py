"""Every page load asks for the site's icon: it is there, and staff pages link it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.domain import Role
from tests.factories import PASSWORD, make_staff


def test_the_icon_browsers_ask_for_is_served(client: FlaskClient) -> None:
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200


def test_staff_pages_link_the_icon(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_staff("tri", Role.TRIAGE)
    client.post("/staff/login", data={"username": "tri", "password": PASSWORD})
    page = client.get("/staff/triage/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page

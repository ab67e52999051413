"""The honeypot and the optional proof of work on intake."""

from __future__ import annotations

import itertools
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.complaints.antispam import leading_zero_bits, solves
from portal.extensions import db
from portal.models import Complaint
from tests.factories import VALID_COMPLAINT, complaint_payload

POW = {"INTAKE_POW_BITS": 8}


def complaints(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Complaint)) or 0)


def solve(challenge: str, bits: int) -> str:
    return next(str(n) for n in itertools.count() if solves(challenge, str(n), bits))


def test_leading_zero_bits() -> None:
    assert leading_zero_bits(b"\x00\x00\x01") == 23
    assert leading_zero_bits(b"\x80") == 0
    assert leading_zero_bits(b"\x0f\xff") == 4


def test_a_filled_honeypot_files_nothing_on_either_surface(app: Flask, client: FlaskClient) -> None:
    page = client.post("/", data={**VALID_COMPLAINT, "website": "http://spam.example"})
    assert page.status_code == 422
    assert "自动提交" in page.get_data(as_text=True)
    api = client.post("/api/v1/complaints", json=complaint_payload(website="http://spam.example"))
    assert api.status_code == 422
    assert api.get_json()["error"]["code"] == "looks_automated"
    assert complaints(app) == 0
    assert client.post("/api/v1/complaints", json=complaint_payload(website="")).status_code == 201


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<div class="trap" aria-hidden="true">.*name="website" tabindex="-1"', page, re.S)


@pytest.mark.parametrize("config_overrides", [POW])
def test_with_a_proof_of_work_asked_for_a_complaint_needs_a_solved_fresh_unspent_challenge(
    app: Flask, client: FlaskClient
) -> None:
    assert client.post("/api/v1/complaints", json=complaint_payload()).status_code == 422
    offered = client.get("/api/v1/complaints/challenge").get_json()
    assert offered["required"] is True
    assert offered["bits"] == 8
    challenge = offered["challenge"]
    wrong = next(str(n) for n in itertools.count() if not solves(challenge, str(n), 8))
    refused = client.post(
        "/api/v1/complaints", json=complaint_payload(pow={"challenge": challenge, "nonce": wrong})
    )
    assert refused.get_json()["error"]["code"] == "proof_of_work"
    proof = {"challenge": challenge, "nonce": solve(challenge, 8)}
    assert client.post("/api/v1/complaints", json=complaint_payload(pow=proof)).status_code == 201
    replayed = client.post("/api/v1/complaints", json=complaint_payload(pow=proof))
    assert replayed.status_code == 422  # each challenge is accepted once
    forged = {"challenge": challenge.replace(".8.", ".0.", 1), "nonce": "0"}
    assert client.post("/api/v1/complaints", json=complaint_payload(pow=forged)).status_code == 422
    assert complaints(app) == 1


@pytest.mark.parametrize("config_overrides", [POW])
def test_the_form_carries_a_challenge_and_the_script_that_solves_it(app: Flask, client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'data-pow-bits="8"' in page
    assert "/static/js/pow.js" in page
    challenge = re.search(r'name="pow_challenge" type="hidden" value="([^"]+)"', page)
    assert challenge is not None
    nonce = solve(challenge.group(1), 8)
    data = {**VALID_COMPLAINT, "pow_challenge": challenge.group(1), "pow_nonce": nonce}
    assert client.post("/", data=data).status_code == 303
    assert client.post("/", data=data).status_code == 422


def test_without_a_proof_of_work_the_challenge_endpoint_says_so(client: FlaskClient) -> None:
    assert client.get("/api/v1/complaints/challenge").get_json() == {
        "required": False,
        "bits": 0,
        "challenge": None,
    }

""" "Retrain now" runs as a job the desk can follow: the request returns at once, the desk shows each step, and
one retraining runs at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import jobs
from tests.triage.test_pages_and_api import sign_in
from triage import classifier, training


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The real training, held after its first steps until the test opens the gate."""
    gate = threading.Event()
    real = training.train_and_register

    def held(examples: list, progress: Callable[[str], None] | None = None) -> training.TrainingOutcome:
        assert progress is not None
        progress(f"segmenting {len(examples)} complaints")
        progress("fold 2/5: 300 to train, 75 held out")
        assert gate.wait(30), "the test never opened the gate"
        return real(examples, progress=progress)

    monkeypatch.setattr(training, "train_and_register", held)
    return gate


def test_retrain_now_returns_at_once_and_the_desk_follows_the_run(
    app: Flask, client: FlaskClient, gated: threading.Event
) -> None:
    sign_in(app, client)
    with app.app_context():
        before = len(classifier.registry().versions())
    try:
        response = client.post("/staff/triage/retrain?lang=en")
        assert (
            response.status_code == 302
        )  # while the training is still held: the request did not wait for it
        page = client.get("/staff/triage/?lang=en").get_data(as_text=True)
        assert "<progress" in page
        assert "Retrain now" not in page  # no second run while one is under way
        again = client.post("/staff/triage/retrain?lang=en")
        assert again.status_code == 409
        assert "already under way" in again.get_data(as_text=True)
        run_url = page.split('data-poll="')[1].split('"')[0]
        for _attempt in range(100):
            state = client.get(run_url + "?lang=en").get_json()
            if state["text"].startswith("Cross-validating"):
                break
            threading.Event().wait(0.05)
        assert state["state"] == "running"
        assert state["text"] == "Cross-validating: fold 2 of 5."
        assert 0 < state["fraction"] < 1
    finally:
        gated.set()
        assert jobs.wait_for_background(60, app)
    done = client.get(run_url + "?lang=en").get_json()
    assert done["state"] == "finished"
    assert done["fraction"] == 1
    assert done["text"].startswith("Finished: model ")
    with app.app_context():
        assert len(classifier.registry().versions()) == before + 1
    assert "Retrain now" in client.get("/staff/triage/").get_data(as_text=True)


def test_a_failed_run_says_so_and_keeps_the_model(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(examples: list, progress: Callable[[str], None] | None = None) -> training.TrainingOutcome:
        raise ValueError("only one category in the data")

    monkeypatch.setattr(training, "train_and_register", broken)
    sign_in(app, client)
    with app.app_context():
        active = classifier.registry().active_version()
    assert client.post("/staff/triage/retrain").status_code == 302
    assert jobs.wait_for_background(60, app)
    page = client.get("/staff/triage/?lang=en").get_data(as_text=True)
    assert "The training failed; the previous model stays active." in page
    assert "Retrain now" in page
    with app.app_context():
        assert classifier.registry().active_version() == active


def test_a_run_whose_worker_died_does_not_block_the_next(app: Flask, client: FlaskClient) -> None:
    from datetime import timedelta

    from portal.extensions import db
    from portal.models import utcnow
    from portal.unit_of_work import commit
    from triage.models import TrainingRun, TrainingState

    sign_in(app, client)
    with app.app_context():
        db.session.add(TrainingRun(state=TrainingState.RUNNING, requested_at=utcnow() - timedelta(hours=2)))
        commit()
    page = client.get("/staff/triage/?lang=en").get_data(as_text=True)
    assert "stopped without finishing" in page
    assert "Retrain now" in page
    assert client.post("/staff/triage/retrain").status_code == 302
    assert jobs.wait_for_background(60, app)

"""Prediction in batches: `flask triage predict`, the classification job, and the worker's warm-up."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from portal.extensions import db
from portal.models import Complaint, ComplaintStatus
from tests.factories import complaint_payload
from tests.triage.texts import CLEAR_ENVIRONMENT
from triage import classification, classifier, cli
from triage.engine import tokenizer as tokenizer_module
from triage.engine.model import TriageModel


@pytest.fixture
def predict_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch the model is asked to predict."""
    sizes: list[int] = []
    original = TriageModel.predict

    def counted(self: TriageModel, items: Any) -> Any:
        sizes.append(len(items))
        return original(self, items)

    monkeypatch.setattr(TriageModel, "predict", counted)
    return sizes


def test_predict_answers_many_lines_in_few_batches_in_order(
    runner: FlaskCliRunner, predict_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "PREDICT_BATCH", 4)
    lines = "".join(
        json.dumps(
            {"id": n, "title": "公交车站台被占", "body": f"第{n}路公交车站台被小摊贩占用。"},
            ensure_ascii=False,
        )
        + "\n"
        for n in range(10)
    )
    result = runner.invoke(args=["triage", "predict"], input=lines)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.output.splitlines()] == list(range(10))
    assert predict_calls == [4, 4, 2]


def test_a_bad_line_is_reported_and_the_batch_goes_on(runner: FlaskCliRunner) -> None:
    good = json.dumps({"id": "a", "title": "路灯坏了", "body": "人民路路灯坏了。"}, ensure_ascii=False)
    other = good.replace('"a"', '"b"')
    result = runner.invoke(args=["triage", "predict"], input=f"{good}\nnot json\n{other}\n")
    assert result.exit_code != 0  # the bad line is counted at the end
    answers = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [answer["id"] for answer in answers] == ["a", "b"]
    assert "line 2" in result.output


def test_one_classification_job_predicts_every_waiting_complaint_at_once(
    app: Flask, client: FlaskClient, predict_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Filings whose jobs have not run yet (a busy queue): the first job takes them all in one batch.
    monkeypatch.setattr("portal.jobs.enqueue", lambda *_args, **_kwargs: None)
    for _ in range(5):
        client.post("/api/v1/complaints", json=complaint_payload(**CLEAR_ENVIRONMENT))
    with app.app_context():
        ids = db.session.scalars(select(Complaint.id).order_by(Complaint.id)).all()
        predict_calls.clear()
        classification.classify(ids[2])
        db.session.commit()
        statuses = set(db.session.scalars(select(Complaint.status)).all())
        classification.classify(ids[0])  # its own job later: already done, nothing predicted
        db.session.commit()
    assert predict_calls == [5]
    assert ComplaintStatus.RECEIVED not in statuses


def test_the_worker_warm_up_builds_the_dictionary_and_loads_the_model(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.features import installed
    from portal.jobs.worker import warm_up

    monkeypatch.setattr(tokenizer_module, "_segmenters", {})
    assert classifier.warm_up in installed(app).warm_ups
    with app.app_context():
        warm_up(app)
    assert tokenizer_module._segmenters  # built before any job ran

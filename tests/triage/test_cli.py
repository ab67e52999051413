"""`flask triage train|evaluate|predict|versions|activate`, and corrections reaching the next training run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.complaints.lookup import find_by_code
from portal.domain import Role
from portal.unit_of_work import commit
from tests.factories import file_via_api, make_staff
from tests.triage.conftest import SEED_CORPUS
from triage import classifier, decisions


def test_evaluate_prints_the_contract_last_line(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["triage", "evaluate", "--data", str(SEED_CORPUS)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"macro_f1=[01]\.\d{4}", result.output.strip().splitlines()[-1])
    assert "confusion" in result.output.lower()


def test_predict_reads_and_writes_json_lines(runner: FlaskCliRunner) -> None:
    lines = (
        "\n".join(
            json.dumps(item, ensure_ascii=False)
            for item in [
                {
                    "id": "a",
                    "title": "公交车站台被占",
                    "body": "3路公交车站台被小摊贩占用，乘客只能站在马路上等车。",
                },
                {
                    "id": "b",
                    "title": "村支书收红包",
                    "body": "村支书李某收受红包后才给村民办理低保，群众意见很大。",
                },
            ]
        )
        + "\n\n"
    )
    result = runner.invoke(args=["triage", "predict"], input=lines)
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.strip().splitlines())
    assert first["id"] == "a"
    assert first["category"] == "transport"
    assert first["label"] == "交通运输"
    assert 0 <= first["confidence"] <= 1
    assert isinstance(first["auto_route"], bool)
    assert first["misconduct"] == {"flag": False, "track": None}
    assert second["misconduct"] == {"flag": True, "track": "discipline"}
    bad = runner.invoke(args=["triage", "predict"], input="not json\n")
    assert bad.exit_code != 0
    assert "line 1" in bad.output


def test_train_reports_and_activates_a_new_version(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        before = classifier.registry().active_version()
    result = runner.invoke(args=["triage", "train", "--data", str(SEED_CORPUS)])
    assert result.exit_code == 0, result.output
    assert "cv_macro_f1" in result.output
    with app.app_context():
        after = classifier.registry().active_version()
    assert after != before
    assert f"active model: {after}" in result.output
    listed = runner.invoke(args=["triage", "versions"]).output
    assert f"* {after}" in listed
    assert runner.invoke(args=["triage", "activate", before]).exit_code == 0
    assert runner.invoke(args=["triage", "activate", "nope"]).exit_code != 0
    skipped = runner.invoke(args=["triage", "train", "--data", str(SEED_CORPUS), "--if-missing"])
    assert "already active" in skipped.output


def test_train_refuses_bad_data(runner: FlaskCliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("title,body,label\n标题在此,正文内容足够长,火星事务\n", encoding="utf-8")
    result = runner.invoke(args=["triage", "train", "--data", str(bad)])
    assert result.exit_code != 0
    assert "火星事务" in result.output or "row" in result.output


def test_corrections_are_included_in_the_next_training_run(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    code = file_via_api(
        client, title="请领导关注一下", body="这个问题已经反映很多次了，希望有关部门重视，尽快解决。"
    )["tracking_code"]
    with app.app_context():
        officer = make_staff("tri", Role.TRIAGE)
        decisions.decide_routing(
            find_by_code(code), category_key="commerce_tourism", staff=officer, reason="景区"
        )
        commit()
    result = runner.invoke(args=["triage", "train", "--data", str(SEED_CORPUS), "--include-corrections"])
    assert result.exit_code == 0, result.output
    assert "adding 1 staff decisions" in result.output
    assert '"n_examples": 459' in result.output


def test_prune_keeps_the_newest_and_the_active_version(app: Flask, runner: FlaskCliRunner) -> None:
    for _ in range(2):
        assert runner.invoke(args=["triage", "train", "--data", str(SEED_CORPUS)]).exit_code == 0
    with app.app_context():
        versions = [info.version for info in classifier.registry().versions()]
    assert len(versions) == 3
    assert runner.invoke(args=["triage", "activate", versions[0]]).exit_code == 0
    result = runner.invoke(args=["triage", "prune", "--keep", "1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        left = [info.version for info in classifier.registry().versions()]
        assert classifier.registry().active_version() == versions[0]
    assert left == [versions[0], versions[2]]
    assert runner.invoke(args=["triage", "prune", "--keep", "0"]).exit_code != 0

"""`flask triage train|evaluate|predict|versions|activate`, and corrections reaching the next training run."""

from __future__ import annotations

import csv
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
from triage.engine.dataset import Example, read_examples


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
    assert "line 1" in bad.stderr


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


def _seed_rows(count_per_category: int | None = None) -> list[Example]:
    examples = read_examples(SEED_CORPUS)
    if count_per_category is None:
        return examples
    kept: list[Example] = []
    for key in {e.label for e in examples}:
        kept += [e for e in examples if e.label == key][:count_per_category]
    return kept


def _write_csv(path: Path, rows: list[tuple[Example, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "body", "label", "split"])
        writer.writerows([e.title, e.body, e.label, split] for e, split in rows)
    return path


def _error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert "Traceback" not in output
    return lines[-1]


def test_malformed_training_files_get_one_line_naming_the_file_row_and_fix(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("title,body,label\n公交太少,等车要一小时,交通运输\n".encode("gbk"))
    one_category = tmp_path / "one.csv"
    one_category.write_text("title,body,label\n公交太少,等车要一小时,交通运输\n站台被占,小摊占道,交通运输\n")
    long_field = tmp_path / "long.csv"
    long_field.write_text('title,body,label\n公交太少,"等车要一小时' + "很久" * 80_000 + "\n")
    for command in ("train", "evaluate"):
        result = runner.invoke(args=["triage", command, "--data", str(gbk)])
        assert result.exit_code == 1
        assert re.fullmatch(
            rf"Error: {re.escape(str(gbk))}: line 2 is not UTF-8 .*iconv.*", _error_line(result.output)
        )
        result = runner.invoke(args=["triage", command, "--data", str(long_field)])
        assert result.exit_code == 1
        assert "row 1" in _error_line(result.output)
        assert "close the quote" in result.output
    result = runner.invoke(args=["triage", "train", "--data", str(one_category)])
    assert result.exit_code == 1
    assert _error_line(result.output) == (
        f"Error: {one_category}: every row is labelled transport: training needs at least two categories, "
        "add labelled complaints of the others"
    )


def test_predict_reports_a_bad_line_and_goes_on(runner: FlaskCliRunner) -> None:
    lines = [
        json.dumps(
            {"id": 1, "title": "公交车站台被占", "body": "3路公交车站台被小摊贩占用。"}, ensure_ascii=False
        ),
        '{"id": 2, "title": "\\ud800坏字符", "body": "正文"}',
        "not json",
        json.dumps(
            {"id": 4, "title": "垃圾站臭味", "body": "小区门口的垃圾站夏天臭气熏天。"}, ensure_ascii=False
        ),
    ]
    result = runner.invoke(args=["triage", "predict"], input=("\n".join(lines) + "\n").encode("utf-8"))
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 4]
    errors = result.stderr.splitlines()
    assert errors[0].startswith("line 2 (id 2): the title has a lone surrogate (\\ud800 at character 0)")
    assert errors[1].startswith("line 3: not a JSON object")
    assert errors[-1] == "Error: 2 line(s) skipped (see above); the others were predicted"
    undecodable = runner.invoke(args=["triage", "predict"], input=b'{"id": 1, "title": "\xb9\xab"}\n')
    assert "line 1: not UTF-8" in undecodable.stderr


def test_train_leaves_out_the_test_split_unless_asked(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    examples = _seed_rows()
    data = _write_csv(
        tmp_path / "split.csv", [(e, "test" if n % 10 == 0 else "train") for n, e in enumerate(examples)]
    )
    with app.app_context():
        before = classifier.registry().active_version()
    refused = runner.invoke(args=["triage", "train", "--data", str(data)])
    assert refused.exit_code == 1
    assert _error_line(refused.output) == (
        f"Error: {data}: 46 rows (the first is row 1) belong to split 'test', kept for evaluation: "
        "train with --split train, or add --include-test to train on them too"
    )
    with app.app_context():
        assert classifier.registry().versions()[-1].version == before
    included = runner.invoke(args=["triage", "train", "--data", str(data), "--include-test", "--activate"])
    assert included.exit_code == 0, included.output
    assert '"n_examples": 458' in included.output


def test_a_worse_model_is_saved_but_not_activated_unless_asked(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    small = _write_csv(tmp_path / "small.csv", [(e, "train") for e in _seed_rows(4)])
    with app.app_context():
        before = classifier.registry().active_version()
    result = runner.invoke(args=["triage", "train", "--data", str(small), "--split", "train"])
    assert result.exit_code == 0, result.output
    match = re.search(
        r"model (\S+) is worse than the active one: on the same 28 complaints, held out: "
        r"new macro-F1 (0\.\d{4}), active (0\.\d{4})",
        result.output,
    )
    assert match, result.output
    assert float(match[2]) < float(match[3])
    assert f"active model: {before}" in result.output
    with app.app_context():
        assert classifier.registry().active_version() == before
    forced = runner.invoke(args=["triage", "train", "--data", str(small), "--split", "train", "--activate"])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        newest = classifier.registry().versions()[-1].version
        assert classifier.registry().active_version() == newest != match[1]


def test_versions_show_threshold_coverage_and_rows(app: Flask, runner: FlaskCliRunner) -> None:
    listed = runner.invoke(args=["triage", "versions"]).output
    with app.app_context():
        info = classifier.registry().info(classifier.registry().active_version() or "")
    assert re.fullmatch(
        rf"\* {info.version}  cv_macro_f1=0\.\d{{4}}  threshold={info.threshold:.4f}  "
        rf"coverage={info.metrics['cv_auto_route_coverage']:.4f}  rows=458  data=\S+",
        listed.strip(),
    )

"""The receipt page's download verifies with one command, `python3 verify_receipt.py receipt.json`, on the
oldest Python the machine has and on this one: fetched from a live portal over HTTP, or offline from files."""

from __future__ import annotations

import html
import http.cookiejar
import json
import re
import shlex
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import Complaint
from tests.factories import complaint_payload, file_via_api
from tests.portal.record.standalone import download_verifier, run_verifier

PHONE_BODY = "A1区人民路的路灯坏了三个月，晚上很危险。我的电话13912345678，可随时联系我。"


def _file_through_the_form(portal: str, folder: Path, language: str = "zh", **overrides: str) -> Path:
    """File as a browser does (form POST, redirect to the receipt) and save the receipt page's download."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    browser.addheaders = [("Accept-Language", language)]
    form = urllib.parse.urlencode({**complaint_payload(**overrides), "similar_seen": "1"}).encode()
    with browser.open(f"{portal}/", data=form, timeout=30) as receipt_page:
        assert re.search(r"/receipt/[^/]+$", receipt_page.url), receipt_page.url
        receipt_url = receipt_page.url
    path = folder / "receipt.json"
    with browser.open(f"{receipt_url}/receipt.json", timeout=30) as download:
        path.write_bytes(download.read())
    return path


def test_the_downloaded_receipt_verifies_with_one_command(
    live_server: str, client: FlaskClient, tmp_path: Path, python: str
) -> None:
    _file_through_the_form(live_server, tmp_path)
    file_via_api(client)  # the record grows after filing: the check must relate the two heads
    script = download_verifier(client, tmp_path)

    result = run_verifier(python, script, "receipt.json")
    assert result.returncode == 0, result.stdout + result.stderr
    # Filed in Chinese: the answer is in Chinese, and names every check it ran.
    assert result.stdout.startswith("通过：第 0 号条目在已公布、已签名的火警记录之中。"), result.stdout
    for check in ("published head signature", "inclusion", "consistency", "text fingerprint", "public text"):
        assert f"[通过] {check}:" in result.stdout, result.stdout
    english = run_verifier(python, script, "receipt.json", "--lang", "en", "--json")
    report = json.loads(english.stdout)
    assert report["ok"] is True
    assert report["against_published_head"] is True
    assert report["checks"][-1]["detail"] == "the portal shows your text unchanged"


def _set_body(app: Flask, code: str, body: str) -> None:
    """Through the portal's own session: the row is sealed again, as a change by the portal itself would be."""
    with app.app_context():
        complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
        assert complaint is not None
        complaint.body = body
        db.session.commit()


def test_hidden_personal_details_pass_and_a_rewritten_text_fails(
    live_server: str, app: Flask, client: FlaskClient, tmp_path: Path, python: str
) -> None:
    receipt = _file_through_the_form(live_server, tmp_path, language="en", body=PHONE_BODY)
    script = download_verifier(client, tmp_path)
    redacted = run_verifier(python, script, str(receipt))
    assert redacted.returncode == 0, redacted.stdout + redacted.stderr
    assert "except personal details it hid" in redacted.stdout  # filed in English: answered in English

    code = json.loads(receipt.read_text(encoding="utf-8"))["tracking_code"]
    # Changed before the hidden phone number, and after it: neither passes for a redaction.
    for softened in (PHONE_BODY.replace("三个月", "三天"), PHONE_BODY.replace("可随时联系我", "问题已解决")):
        _set_body(app, code, softened)
        rewritten = run_verifier(python, script, str(receipt), "--lang", "zh")
        assert rewritten.returncode == 1, rewritten.stdout
        assert rewritten.stdout.startswith("未通过：平台公开显示的文本不是您提交的"), rewritten.stdout


def test_a_row_rewritten_in_the_database_fails_the_check(
    live_server: str, app: Flask, client: FlaskClient, tmp_path: Path, python: str
) -> None:
    receipt = _file_through_the_form(live_server, tmp_path)
    code = json.loads(receipt.read_text(encoding="utf-8"))["tracking_code"]
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE complaints SET body = '已解决，谢谢。' WHERE tracking_code = :code"),
            {"code": code},
        )
    script = download_verifier(client, tmp_path)
    result = run_verifier(python, script, str(receipt))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("未通过：平台拒绝显示这件投诉：其存储的数据在平台之外被改动过"), (
        result.stdout
    )


def test_a_portal_address_that_cannot_be_asked_is_input_trouble_not_a_traceback(
    live_server: str, client: FlaskClient, tmp_path: Path, python: str
) -> None:
    receipt = _file_through_the_form(live_server, tmp_path)
    script = download_verifier(client, tmp_path)
    for portal in ("http://x:notaport", "http://[bad", "http://a b.example"):
        result = run_verifier(python, script, str(receipt), "--portal", portal, "--lang", "en")
        assert result.returncode == 2, (portal, result.stdout, result.stderr)
        assert result.stderr.startswith("ERROR:"), result.stderr
        assert "Traceback" not in result.stderr


def test_offline_from_saved_files(live_server: str, client: FlaskClient, tmp_path: Path, python: str) -> None:
    receipt = _file_through_the_form(live_server, tmp_path)
    document = json.loads(receipt.read_text(encoding="utf-8"))
    code = document["tracking_code"]
    size = document["tree_head"]["size"]
    file_via_api(client)
    (tmp_path / "proof.json").write_text(
        client.get(f"/api/v1/ledger/proof/{code}?from={size}").get_data(as_text=True), encoding="utf-8"
    )
    (tmp_path / "status.json").write_text(
        client.get(f"/api/v1/complaints/{code}").get_data(as_text=True), encoding="utf-8"
    )
    script = download_verifier(client, tmp_path)
    arguments = ["receipt.json", "--offline", "--proof-file", "proof.json", "--status-file", "status.json"]
    result = run_verifier(python, script, *arguments, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [check["name"] for check in json.loads(result.stdout)["checks"]][-3:] == [
        "consistency",
        "text fingerprint",
        "public text",
    ]
    # Without the proof it checks the receipt alone and says how to go further; with a portal that does not
    # answer, it says so (status 2), never a traceback.
    assert run_verifier(python, script, "receipt.json", "--offline").returncode == 0
    unreachable = run_verifier(python, script, "receipt.json", "--portal", "http://127.0.0.1:9")
    assert unreachable.returncode == 2
    assert unreachable.stderr.startswith("无法检查："), unreachable.stderr
    assert "Traceback" not in unreachable.stderr


def test_the_proof_starts_where_the_citizens_head_is(client: FlaskClient) -> None:
    code = file_via_api(client)["tracking_code"]
    for _ in range(2):
        file_via_api(client)
    document = client.get(f"/api/v1/ledger/proof/{code}?from=3").get_json()
    assert document["proof"]["consistency_from_size"] == 3
    for bad in ("0", "x", "99999", "²", "9" * 20):
        answer = client.get(f"/api/v1/ledger/proof/{code}?from={bad}", headers={"Accept-Language": "en"})
        assert answer.status_code == 422, (bad, answer.get_json())
        assert "earlier tree head" in answer.get_json()["error"]["message"] + json.dumps(answer.get_json())


def test_the_record_pages_instructions_followed_literally(
    live_server: str, client: FlaskClient, tmp_path: Path, python: str
) -> None:
    receipt = _file_through_the_form(live_server, tmp_path)
    code = json.loads(receipt.read_text(encoding="utf-8"))["tracking_code"]
    receipt.rename(tmp_path / f"receipt-{code}.json")  # the name the receipt page's download is saved under
    page = client.get("/ledger").get_data(as_text=True)
    section = page[page.index("verify_receipt.py</a>") :]
    download = re.search(r'href="([^"]+verify_receipt\.py)"', page)
    assert download is not None
    with client.get(download.group(1)) as response:
        (tmp_path / "verify_receipt.py").write_bytes(response.get_data())
    commands = [html.unescape(found) for found in re.findall(r'<pre class="code">([^<]+)</pre>', section)]
    online = shlex.split(commands[0].replace("CODE", code))
    assert online[:2] == ["python3", "verify_receipt.py"]
    result = subprocess.run(
        [python, "-I", "-S", *online[1:]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

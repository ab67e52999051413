"""The desks as officers live them, in a real browser: triage, bureau and oversight, in Chinese and in English, on
a desktop and on a phone. Every page on the way fits the screen, has no serious accessibility fault (axe-core)
and, in English, shows no untranslated string.

Set SCREENSHOT_DIR to keep a screenshot of every page (named desk-language-width-step).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from escalation import cases
from escalation.vocabulary import CaseKind
from portal import jobs
from portal.complaints.lookup import find_by_code
from portal.complaints.routing import route
from portal.domain import Role, Track
from portal.extensions import db
from portal.models import RoutedBy
from portal.unit_of_work import commit
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.desk_checks import desk_looks_right
from tests.factories import PASSWORD, file_via_api, make_staff
from tests.portal.evidence.test_photos import file_with_photos, jpeg_with_gps
from tests.triage.conftest import seed_model_folder  # noqa: F401 (the session's trained seed model)

pytestmark = pytest.mark.browser


@pytest.fixture
def config_overrides(seed_model_folder: Path, tmp_path: Path) -> dict[str, Any]:  # noqa: F811
    """The seed model is active, so the triage desk shows the model's view (its bars) as it does in service."""
    folder = tmp_path / "models"
    shutil.copytree(seed_model_folder, folder)
    return {"MODEL_FOLDER": str(folder)}


JOURNEYS = [
    pytest.param(language, width, id=f"{language}-{width}")
    for language in ("zh", "en")
    for width in (DESKTOP, PHONE)
]
ALLEGATION = {"accused_name": "张某", "accused_unit": "A1区某街道办事处", "party_member": "yes"}
VAGUE = {"title": "请领导关注一下", "body": "这个问题已经反映很多次了，希望有关部门重视，尽快解决。"}


class Desk:
    """One officer's browser: signs in, walks pages, and checks each the way a person would notice."""

    def __init__(self, page: Any, base: str, language: str, name: str) -> None:
        self.page, self.base, self.language, self.name = page, base, language, name
        self.steps = 0

    def go(self, path: str) -> None:
        separator = "&" if "?" in path else "?"
        self.page.goto(f"{self.base}{path}{separator}lang={self.language}")

    def check(self, step: str) -> None:
        self.steps += 1
        width = self.page.viewport_size["width"]
        desk_looks_right(
            self.page, f"{self.name}-{self.language}-{width}-{self.steps:02d}-{step}", language=self.language
        )

    def sign_in(self, username: str) -> None:
        self.go("/staff/login")
        self.check("sign-in")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit].primary")
        self.page.wait_for_load_state()

    def submit(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)


@pytest.fixture
def desk(live_server: str, open_page: Callable[..., Any]) -> Callable[[str, str, int], Desk]:
    def open_desk(name: str, language: str, width: int) -> Desk:
        return Desk(open_page(width, language), live_server, language, name)

    return open_desk


@pytest.mark.parametrize(("language", "width"), JOURNEYS)
def test_the_triage_desk(
    app: Flask, client: Any, desk: Callable[..., Desk], language: str, width: int
) -> None:
    with_photo = file_with_photos(client, (jpeg_with_gps(), "photo.jpg"), **VAGUE, misconduct=ALLEGATION)
    allegation = with_photo.get_json()["tracking_code"]
    vague = file_via_api(
        client, title="关于小区门口的问题", body="小区门口的情况越来越严重，请相关部门来看一看。"
    )["tracking_code"]
    with app.app_context():
        make_staff("triage", Role.TRIAGE)
    officer = desk("triage", language, width)
    officer.sign_in("triage")
    officer.go("/staff/triage/")
    officer.check("queue")
    assert allegation in officer.page.content()

    officer.go(f"/staff/triage/{allegation}")
    officer.check("item")
    assert officer.page.locator("meter.bar").count() == 3  # the model's top three
    assert officer.page.locator("img.thumbnail").count() == 1
    assert officer.page.evaluate("document.querySelector('img.thumbnail').naturalWidth") > 0, (
        "the thumbnail did not load"
    )
    reason = officer.page.locator("#misconduct-reason")
    assert reason.get_attribute("required") is not None
    assert reason.get_attribute("aria-describedby") == "misconduct-reason-hint"
    officer.page.select_option("#misconduct-decision", "confirm")
    officer.submit("form[action$='/misconduct'] button[type=submit]")
    officer.check("review-refused")
    assert officer.page.locator("#error-summary").is_visible()
    officer.page.fill("#misconduct-reason", "党员干部涉嫌吃拿卡要，转纪委核查")
    officer.page.select_option("#misconduct-decision", "confirm")
    officer.submit("form[action$='/misconduct'] button[type=submit]")
    officer.check("reviewed")
    officer.go(f"/staff/triage/{allegation}")
    assert officer.page.locator("#misconduct-decision").count() == 0  # a finished review shows no form
    officer.check("item-reviewed")

    officer.go(f"/staff/triage/{vague}")
    officer.page.select_option("#route-category", "housing_urban")
    officer.page.fill("#route-reason", "小区门口占道，属城乡建设")
    officer.submit("form[action$='/routing'] button[type=submit]")
    officer.check("routed")
    assert vague not in officer.page.locator("table.queue").all_inner_texts().__str__()


@pytest.mark.parametrize(("language", "width"), JOURNEYS)
def test_the_bureau_desk(
    app: Flask, client: Any, desk: Callable[..., Desk], language: str, width: int
) -> None:
    receipt = file_via_api(
        client, title="河道垃圾无人清理", body="A1区清水河两岸垃圾堆积，已经发臭，请尽快清理。"
    )
    code, secret = receipt["tracking_code"], receipt["follow_up_secret"]
    with app.app_context():
        make_staff("bureau", Role.BUREAU, bureau="XD-A1:environment")
        route(find_by_code(code), "environment", routed_by=RoutedBy.STAFF, actor="staff:test")
        commit()
    updates = f"/api/v1/complaints/{code}/updates"
    assert client.post(updates, json={"secret": secret, "text": "补充：东岸最严重。"}).status_code == 201
    officer = desk("bureau", language, width)
    officer.sign_in("bureau")
    officer.go("/staff/bureau")
    officer.check("queue")
    officer.go(f"/staff/bureau/{code}")
    officer.check("complaint")
    assert "补充：东岸最严重。" in officer.page.inner_text("#history-title ~ ol")
    officer.submit("form button[type=submit].primary")  # nothing written: refused, with the reason shown
    officer.check("reply-refused")
    officer.page.fill("#text", "已安排环卫人员清理清水河两岸垃圾。")
    officer.page.check("#resolve")
    officer.submit("form button[type=submit].primary")
    officer.check("replied")
    assert code not in officer.page.content()  # resolved: off the desk

    contest = {"secret": secret, "text": "垃圾还在，没有人来过。", "contest": True}
    assert client.post(updates, json=contest).status_code == 201
    officer.go(f"/staff/bureau/{code}")
    history = officer.page.inner_text("#history-title ~ ol")
    assert "已安排环卫人员清理清水河两岸垃圾。" in history
    assert "垃圾还在，没有人来过。" in history
    officer.check("contested")


@pytest.mark.parametrize(("language", "width"), JOURNEYS)
def test_the_oversight_desk(
    app: Flask, client: Any, desk: Callable[..., Desk], language: str, width: int
) -> None:
    code = file_via_api(client, **VAGUE, misconduct=ALLEGATION)["tracking_code"]
    with app.app_context():
        make_staff("liaison", Role.LIAISON, body="XD-A1:discipline")
        case = cases.open_case(
            find_by_code(code), track=Track.DISCIPLINE, kind=CaseKind.MISCONDUCT, actor="t", reason="收受红包"
        )
        commit()
        case_id = case.id
    officer = desk("liaison", language, width)
    officer.sign_in("liaison")
    officer.go("/staff/escalations")
    officer.check("cases")
    officer.go(f"/staff/escalations/{case_id}")
    officer.check("case")
    officer.page.select_option("#action", "acknowledge")
    officer.submit("form button[type=submit].primary")
    officer.check("acknowledged")
    assert officer.page.locator("#action option[value=acknowledge]").count() == 0
    officer.page.select_option("#action", "act")
    officer.submit("form button[type=submit].primary")  # acting needs an outcome
    officer.check("act-refused")
    officer.page.select_option("#action", "act")
    officer.page.select_option("#outcome", "admonition")
    officer.page.fill("#text", "经核查，对相关人员进行谈话提醒并责令整改。")
    officer.submit("form button[type=submit].primary")
    officer.check("closed")
    assert officer.page.locator("#action").count() == 0  # a closed case offers no action
    assert "经核查" in officer.page.inner_text("#history-title ~ ol")
    with app.app_context():
        assert db.session.scalars(select(cases.Case.state)).one().value == "acted"


@pytest.mark.parametrize(
    ("language", "width"), [pytest.param("zh", DESKTOP, id="zh-1280"), pytest.param("en", PHONE, id="en-375")]
)
def test_retraining_is_followed_on_the_desk(
    app: Flask, desk: Callable[..., Desk], language: str, width: int
) -> None:
    """ "Retrain now" answers at once; the desk shows the run's progress and, when it ends, offers the button again."""
    with app.app_context():
        make_staff("triage", Role.TRIAGE)
    officer = desk("retrain", language, width)
    officer.sign_in("triage")
    officer.go("/staff/triage/")
    officer.submit(".training button[type=submit]")
    assert officer.page.locator("#training-bar").count() == 1
    officer.check("under-way")
    # The page follows the run by itself (static/js/training.js) and reloads once it has ended.
    officer.page.wait_for_selector(".training-finished", timeout=120_000)
    officer.check("finished")
    assert officer.page.locator(".training button[type=submit]").count() == 1
    assert jobs.wait_for_background(60, app)

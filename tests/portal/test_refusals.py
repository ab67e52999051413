"""One refusal contract: every domain refusal says the same thing on a page and in the API, in both languages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from wtforms import StringField

from escalation.errors import InvalidUnitCode, TransitionNotAllowed, UnknownDivision
from escalation.vocabulary import CaseAction, CaseState
from portal.complaints.second_bureau import SecondBureauElsewhere
from portal.duplicates.service import AlreadyLinked, HandledWithMaster, MasterIsDuplicate
from portal.http.pages import show_refusal
from portal.refusals import Refusal, every_refusal

# Refusals whose constructor needs arguments; every other one is built without any.
EXAMPLES: dict[type[Refusal], Refusal] = {
    UnknownDivision: UnknownDivision("XD-C9"),
    InvalidUnitCode: InvalidUnitCode("XD-A1", "an oversight body code"),
    TransitionNotAllowed: TransitionNotAllowed(CaseState.ACTED, CaseAction.ACKNOWLEDGE),
    AlreadyLinked: AlreadyLinked("FA-AAAA-BBBB-CCCC"),
    MasterIsDuplicate: MasterIsDuplicate("FA-AAAA-BBBB-CCCC"),
    HandledWithMaster: HandledWithMaster("FA-AAAA-BBBB-CCCC"),
    SecondBureauElsewhere: SecondBureauElsewhere("XD-A1"),
}


def example(cls: type[Refusal]) -> Refusal:
    return EXAMPLES.get(cls) or cls()


def page_message(app: Flask, refusal: Refusal, language: str) -> tuple[str, int]:
    """What the page surface shows: the refusal put on its field of a form."""

    class AnyForm(FlaskForm):
        pass

    if refusal.field:
        setattr(AnyForm, refusal.field, StringField())
    with app.test_request_context(f"/?lang={language}"):
        form = AnyForm(meta={"csrf": False})
        status = show_refusal(form, refusal)
        errors = form[refusal.field].errors if refusal.field else form.form_errors
        return str(errors[-1]), status


def api_message(app: Flask, refusal: Refusal, language: str) -> tuple[dict[str, object], int]:
    """What the API answers when a route raises the refusal."""
    with app.test_request_context(f"/api/v1/probe?lang={language}"):
        response = app.make_response(app.handle_user_exception(refusal))
        return response.get_json()["error"], response.status_code


def test_every_refusal_is_known_here(app: Flask) -> None:
    # The app imported every feature, so every refusal class is defined; a new one needs no entry here unless
    # its constructor takes arguments, and then the test below fails until it gets one.
    for cls in every_refusal():
        assert isinstance(example(cls), cls)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_pages_and_the_api_say_the_same_for_every_refusal(app: Flask, language: str) -> None:
    refusals = every_refusal()
    assert len(refusals) > 20  # the features' own refusals are there, not only the shared ones
    for cls in refusals:
        refusal = example(cls)
        shown, page_status = page_message(app, refusal, language)
        answered, api_status = api_message(app, refusal, language)
        assert page_status == api_status == refusal.status, cls
        assert answered["message"] == shown, cls
        assert answered["code"] == refusal.code, cls
        if refusal.field:
            assert answered["fields"] == {refusal.field: [shown]}, cls
        if language == "zh":
            assert shown != refusal.message, f"{cls.__name__} is not translated"
        else:
            assert "%(" not in shown, cls

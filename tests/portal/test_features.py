"""Features are installed per app: two apps in one process share no routes, documents, sections or receivers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from portal import signals
from portal.app import CORE_FEATURES, create_app, feature_of
from portal.domain import Role
from portal.extensions import db
from portal.features import Feature, install, installed
from portal.models import Complaint
from portal.unit_of_work import commit
from tests.factories import file_via_api, make_staff
from triage.decisions import Referral, refer_misconduct

ALLEGATION = {"misconduct": {"accused_unit": "A1区某街道办", "party_member": "no"}}


def routes(app: Flask) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules()}


def test_a_portal_only_app_built_after_a_full_one_has_nothing_of_the_others(
    app: Flask, app_factory: Callable[..., Flask]
) -> None:
    portal_only = app_factory(FEATURE_PACKAGES=())
    assert "/staff/triage/" in routes(app)
    assert "/accountability" in routes(app)
    assert not {rule for rule in routes(portal_only) if "triage" in rule or "escalation" in rule}
    assert "/accountability" not in routes(portal_only)

    full_paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    portal_paths = portal_only.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/triage/queue", "/escalations"} <= set(full_paths)
    assert not {path for path in portal_paths if "triage" in path or "escalation" in path}
    assert (
        "Case"
        not in portal_only.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    )

    code = file_via_api(portal_only.test_client())["tracking_code"]
    assert "escalations" in app.test_client().get(f"/api/v1/complaints/{code}").get_json()
    assert "escalations" not in portal_only.test_client().get(f"/api/v1/complaints/{code}").get_json()

    assert signals.misconduct_referred.receivers_for(app) == 1
    assert signals.misconduct_referred.receivers_for(portal_only) == 0
    assert "complaints" in app.cli.commands["seed"].commands  # type: ignore[attr-defined]
    assert "complaints" not in portal_only.cli.commands["seed"].commands  # type: ignore[attr-defined]
    with portal_only.app_context():
        assert [desk.endpoint for desk in installed().desks] == ["bureau_desk.queue"]


def test_a_referral_opens_a_case_only_where_escalation_is_installed(
    app: Flask, app_factory: Callable[..., Flask]
) -> None:
    without_escalation = app_factory(FEATURE_PACKAGES=("triage",))
    for target in (without_escalation, app):
        code = file_via_api(target.test_client(), **ALLEGATION)["tracking_code"]
        with target.app_context():
            complaint = db.session.scalars(select(Complaint).where(Complaint.tracking_code == code)).one()
            officer = make_staff(f"triage-{target.name}-{id(target)}", Role.TRIAGE)
            refer_misconduct(complaint, staff=officer, referral=Referral("举报属实，需核查"))
            commit()
            kinds = [event.kind for event in complaint.events]
        # The decision is on the record either way; only an app with escalation places the case.
        assert "misconduct_confirmed" in kinds
        assert ("case_opened" in kinds) is (target is app)


def test_a_feature_installs_once() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "FEATURE_PACKAGES": ()})
    with pytest.raises(ValueError, match="already installed"):
        install(app, feature_of("portal.record"))
    install(app, Feature(name="extra"))
    assert installed(app).names == [*(feature_of(package).name for package in CORE_FEATURES), "extra"]


def test_every_public_section_can_be_built_for_a_list_in_a_few_queries(app) -> None:  # type: ignore[no-untyped-def]
    from portal.features import installed

    with app.app_context():
        sections = installed()
        assert set(sections.public_sections) == set(sections.public_sections_many)

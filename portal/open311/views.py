"""The GeoReport v2 endpoints. Thin: parse, call the services, answer in the format of the URL suffix."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from portal.categories import CATEGORY_KEYS
from portal.complaints import timeline
from portal.complaints.filing import file_complaint
from portal.complaints.forms import draft_from_form
from portal.complaints.lookup import find_by_code
from portal.extensions import db, limiter
from portal.http.i18n import current_language
from portal.http.limits import read_limit
from portal.models import Complaint, utcnow
from portal.open311 import open311_bp
from portal.open311.catalogue import CHANGESET, definition_document, service_list_document, services
from portal.open311.dates import format_datetime
from portal.open311.errors import Open311Error, not_found, not_provided
from portal.open311.filing import check_submission
from portal.open311.jurisdiction import Jurisdiction, resolve
from portal.open311.keys import key_is_valid
from portal.open311.mapping import extended_attributes, request_document, service_notice
from portal.open311.responses import document_response, error_response
from portal.open311.search import parse_search, run_search
from portal.record import seals
from portal.unit_of_work import commit

FMT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]


def _post_limit() -> str:
    # Per api_key, not per address: one partner app posts for many citizens from one server.
    return str(current_app.config["RATELIMIT_OPEN311_POST"])


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _parameter(name: str) -> str | None:
    """A parameter from the form body or the query string (clients differ on where they put jurisdiction_id)."""
    return request.form.get(name) or request.args.get(name)


def _api_key() -> str | None:
    """The api_key, from the request body only: a key in the URL ends up in every access log on the way."""
    return request.form.get("api_key") or None


def _post_limit_key() -> str:
    # A valid key has its own budget; anything else counts against the caller's address, so guessing keys
    # is limited like everything else.
    key = _api_key()
    if key and key_is_valid(key):
        return "open311-key:" + hashlib.sha256(key.encode()).hexdigest()
    return get_remote_address()


def _base_url() -> str:
    return request.url_root.rstrip("/") + (open311_bp.url_prefix or "")


def _jurisdiction() -> Jurisdiction:
    return resolve(_parameter("jurisdiction_id"), current_language())


def _requests_response(complaints: Sequence[Complaint], fmt: str) -> Response:
    locale = current_language()
    catalogue = services(locale, ())  # names only: no definition is written here
    zone = _zone()
    extended = (_parameter("extensions") or "").lower() == "true"
    documents = []
    complaints = seals.shown(complaints)
    for complaint, view in zip(complaints, timeline.public_complaints(complaints, locale), strict=True):
        document = request_document(
            complaint, view, catalogue, zone=zone, locale=locale, root_url=request.host_url
        )
        if extended:
            document["extended_attributes"] = extended_attributes(view)
        documents.append(document)
    return document_response("service_requests", documents, fmt)


@open311_bp.errorhandler(Open311Error)
def handle_open311_error(error: Open311Error) -> Response:
    db.session.rollback()
    return error_response(error.status, error.descriptions)


@open311_bp.get(f"/discovery.{FMT}")
@read_limit
def discovery(fmt: str) -> Response:
    changeset = format_datetime(CHANGESET, _zone())
    document = {
        "changeset": changeset,
        "contact": _(
            "The operators of this Fire Alarm site: see %(url)s",
            url=url_for("complaints.about", _external=True),
        ),
        "key_service": _(
            "Ask the operators of this site for an api_key; they issue one with "
            "flask open311 create-key NAME. Reading needs no key."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _base_url(),
                "changeset": changeset,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }
    return document_response("discovery", document, fmt)


@open311_bp.get(f"/services.{FMT}")
@read_limit
def service_list(fmt: str) -> Response:
    jurisdiction = _jurisdiction()
    catalogue = services(current_language(), jurisdiction.division_choices)
    return document_response("services", service_list_document(catalogue), fmt)


@open311_bp.get(f"/services/<service_code>.{FMT}")
@read_limit
def service_definition(service_code: str, fmt: str) -> Response:
    jurisdiction = _jurisdiction()
    found = services(current_language(), jurisdiction.division_choices).get(service_code)
    if found is None:
        raise Open311Error(404, [not_found("service_code", service_code[:64])])
    return document_response("service_definition", definition_document(found), fmt)


@open311_bp.get(f"/requests.{FMT}")
@read_limit
def request_list(fmt: str) -> Response:
    jurisdiction = _jurisdiction()
    search = parse_search(request.args, utcnow())
    return _requests_response(run_search(search, jurisdiction), fmt)


@open311_bp.get(f"/requests/<service_request_id>.{FMT}")
@read_limit
def request_detail(service_request_id: str, fmt: str) -> Response:
    jurisdiction = _jurisdiction()
    complaint = find_by_code(service_request_id)
    if complaint is None or not jurisdiction.contains(complaint.division_id):
        raise Open311Error(404, [not_found("service_request_id", service_request_id[:64])])
    return _requests_response([complaint], fmt)


@open311_bp.get(f"/tokens/<token>.{FMT}")
@read_limit
def token_lookup(token: str, fmt: str) -> Response:  # noqa: ARG001 - fmt picks the error's format
    # Every service is realtime: POST answers with the service_request_id at once and never issues a token.
    raise Open311Error(404, [not_found("token", token[:64])])


@open311_bp.post(f"/requests.{FMT}")
@limiter.limit(_post_limit, key_func=_post_limit_key)
def create_request(fmt: str) -> Response:
    # Order of checks (spec tables): api_key, then jurisdiction, then service_code, then every field at once.
    if request.args.get("api_key"):
        raise Open311Error(
            400, [_("api_key must be sent in the request body, never in the URL: URLs are written to logs")]
        )
    api_key = _api_key()
    if not api_key:
        raise Open311Error(403, [not_provided("api_key")])
    if not key_is_valid(api_key):
        raise Open311Error(403, [_("api_key is not valid")])
    jurisdiction = _jurisdiction()
    code = (request.form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, [not_provided("service_code")])
    locale = current_language()
    chosen = services(locale, jurisdiction.division_choices).get(code)
    if chosen is None:
        raise Open311Error(404, [not_found("service_code", code[:64])])
    submission = check_submission(request.form, request.files.getlist("media"), chosen, jurisdiction)
    receipt = file_complaint(draft_from_form(submission.form, locale), submission.uploads)
    complaint = db.session.get_one(Complaint, receipt.complaint_id)
    if chosen.code in CATEGORY_KEYS:
        complaint.requested_category_key = chosen.code
    complaint.media_url = submission.media_url
    commit()
    # After the commit: the inline classification job may already have routed it.
    notice = service_notice(timeline.public_complaint(complaint, locale), _zone())
    document = [{"service_request_id": receipt.tracking_code, "service_notice": notice, "account_id": None}]
    return document_response("service_requests", document, fmt)

"""The public record's API: the current signed head, proofs for a complaint, consistency between heads."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _

from portal.auth.access import public
from portal.complaints.lookup import require_complaint
from portal.features import ApiDocs
from portal.http.api import ApiError, make_api_blueprint, validation_failed
from portal.http.limits import lookup_limit, read_limit
from portal.http.openapi import CODE_PARAMETER, errors, json_response
from portal.models import Complaint
from portal.record import store as record_store
from portal.record.proofs import Receipt
from portal.unit_of_work import commit

record_api = make_api_blueprint("record_api", __name__)


def _current_head() -> Any:
    try:
        head = record_store.current_head()
    except LookupError as exc:
        raise ApiError(404, "empty_record", _("Nothing has been recorded yet.")) from exc
    commit()  # a head signed just now is kept, so everyone is shown the same one
    return head


@record_api.get("/ledger/head")
@public
@read_limit
def head() -> Response:
    tree_head = _current_head()
    note = record_store.checkpoint_note()
    commit()  # a note signed just now for an older head is kept
    return jsonify(
        {
            "tree_head": tree_head.to_json(),
            "public_key": record_store.public_key(),
            "verifier": url_for("record.verifier_script", _external=True),
            "origin": record_store.origin(),
            "vkey": record_store.vkey(),
            "checkpoint": note,
            "tiles": url_for("record.checkpoint", _external=True).removesuffix("checkpoint"),
        }
    )


def _since_size() -> int | None:
    """``?from=SIZE``: the size of the head the citizen holds, for the consistency proof to start from."""
    raw = request.args.get("from")
    if raw is None:
        return None
    # ASCII digits only: "²".isdigit() holds, and int() then refuses it.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 16) or int(raw) < 1:
        raise validation_failed({"from": [_("Give the size of an earlier tree head, e.g. ?from=42.")]})
    return int(raw)


def receipt_document(complaint: Complaint, since_size: int | None = None) -> dict[str, Any]:
    """The complaint's filing entry and a proof against the current head: inclusion, and consistency from the
    head signed at filing (or from ``since_size``, the head the citizen's receipt holds)."""
    event = record_store.received_event(complaint)
    if event is None or event.seq is None:
        raise ApiError(404, "not_recorded", _("This complaint has no entry in the record."))
    head = _current_head()  # committed first: the long read below must hold no lock
    try:
        found = record_store.prove(event, head, since_size)  # a damaged record refuses (409) itself
    except (ValueError, LookupError) as exc:
        raise validation_failed(
            {"from": [_("Give the size of an earlier tree head, e.g. ?from=42.")]}
        ) from exc
    commit()  # a head signed for this entry is kept, so everyone is shown the same one
    # The head signed at filing is in the citizen's own receipt; this document proves the entry without it.
    return {
        "receipt": Receipt(leaf_index=event.seq, entry=record_store.entry_bytes(event).decode()).to_json(),
        "proof": found.proof.to_json(),
        "tree_head": found.head.to_json(),
        "public_key": record_store.public_key(),
    }


@record_api.get("/ledger/proof/<code>")
@public
@lookup_limit
def proof(code: str) -> Response:
    return jsonify(receipt_document(require_complaint(code), _since_size()))


@record_api.get("/ledger/consistency")
@public
@lookup_limit
def consistency() -> Response:
    raw = request.args.get("from", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 16):
        raise validation_failed({"from": [_("Give the size of an earlier tree head, e.g. ?from=42.")]})
    try:
        tree_head, path = record_store.consistency_to_current(int(raw))
    except (ValueError, LookupError) as exc:
        raise validation_failed(
            {"from": [_("Give the size of an earlier tree head, e.g. ?from=42.")]}
        ) from exc
    commit()
    return jsonify(
        {"from": int(raw), "tree_head": tree_head.to_json(), "consistency_proof": [h.hex() for h in path]}
    )


HEAD = {
    "type": "object",
    "required": ["size", "root_hash", "timestamp", "signature"],
    "properties": {
        "size": {"type": "integer"},
        "root_hash": {"type": "string"},
        "timestamp": {"type": "string"},
        "signature": {"type": "string"},
    },
}

API_DOCS = ApiDocs(
    {
        "/ledger/head": {
            "get": {
                "summary": "The record's current signed tree head and public key, and the same head as a checkpoint",
                "security": [],
                "responses": {
                    "200": json_response(
                        "The head",
                        {
                            "type": "object",
                            "properties": {
                                "tree_head": HEAD,
                                "public_key": {"type": "string"},
                                "verifier": {"type": "string"},
                                "origin": {"type": "string", "description": "the checkpoints' origin line"},
                                "vkey": {
                                    "type": "string",
                                    "description": "the log's note verifier key: <name>+<hex key ID>+<base64>",
                                },
                                "checkpoint": {
                                    "type": "string",
                                    "description": "the same head as a C2SP signed checkpoint note",
                                },
                                "tiles": {
                                    "type": "string",
                                    "description": "the tlog-tiles prefix: checkpoint, tile/<L>/<N>, tile/entries/<N>",
                                },
                            },
                        },
                    ),
                    **errors("404", "429"),
                },
            }
        },
        "/ledger/proof/{code}": {
            "get": {
                "summary": "Proof that a complaint's filing is still in the record (for verify_receipt.py)",
                "security": [],
                "parameters": [
                    CODE_PARAMETER,
                    {
                        "name": "from",
                        "in": "query",
                        "required": False,
                        "description": "Size of the head you hold: the consistency proof starts there",
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],
                "responses": {
                    "200": json_response(
                        "Receipt, proof and current head",
                        {
                            "type": "object",
                            "properties": {
                                "receipt": {"type": "object"},
                                "proof": {"type": "object"},
                                "tree_head": HEAD,
                                "public_key": {"type": "string"},
                            },
                        },
                    ),
                    "409": json_response(
                        "The stored record no longer matches its signed heads", {"type": "object"}
                    ),
                    **errors("404", "422", "429"),
                },
            }
        },
        "/ledger/consistency": {
            "get": {
                "summary": "Consistency proof from an earlier head size to the current head",
                "security": [],
                "parameters": [
                    {"name": "from", "in": "query", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": json_response(
                        "The proof",
                        {
                            "type": "object",
                            "properties": {
                                "from": {"type": "integer"},
                                "tree_head": HEAD,
                                "consistency_proof": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    ),
                    "409": json_response(
                        "The stored record no longer matches its signed heads", {"type": "object"}
                    ),
                    **errors("404", "422", "429"),
                },
            }
        },
    }
)

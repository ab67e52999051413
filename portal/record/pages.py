"""The record's public pages: how it works, its current head and key, and the stand-alone verifier."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, render_template, send_file
from werkzeug.wrappers import Response

from portal.record import proofs
from portal.record import store as record_store

record_pages = Blueprint("record", __name__)


@record_pages.get("/ledger")
def page() -> str:
    """How the record works, its current head and key, and how to check a receipt without trusting us."""
    head = record_store.latest_head()
    return render_template("record/ledger.html", head=head, public_key=record_store.public_key())


@record_pages.get("/ledger/verify_receipt.py")
def verifier_script() -> Response:
    """The stand-alone verifier (standard library only): the very module the portal itself uses."""
    return send_file(
        Path(proofs.__file__),
        mimetype="text/x-python",
        as_attachment=True,
        download_name="verify_receipt.py",
    )

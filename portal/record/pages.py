"""The record's public pages: how it works, its current head and key, the stand-alone verifier, and the
record in the ecosystem's formats (C2SP tlog-checkpoint and tlog-tiles) that any tiles client can audit."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, render_template, send_file, url_for
from flask_babel import gettext as _

from portal.http.limits import read_limit
from portal.record import proofs, witnesses
from portal.record import store as record_store
from portal.record.tiles import MAX_LEVEL, parse_index_path
from portal.unit_of_work import commit

record_pages = Blueprint("record", __name__)

# Paths of tiles and bundles never change what they hold (a partial tile's first W hashes are fixed once written):
# caches may keep them for good. The checkpoint moves; tlog-tiles asks that it be cached a few seconds at most.
IMMUTABLE = "public, max-age=31536000, immutable"
CHECKPOINT_CACHE = "public, max-age=5"


@record_pages.get("/ledger")
def page() -> str:
    """How the record works, its current head and key, and how to check a receipt without trusting us."""
    # The head the API and the checkpoint serve (signed now if the record grew since the last one and that is
    # over ten minutes old): a citizen holding a receipt must never read "nothing recorded" here.
    head = record_store.publish_head()
    shown = render_template(
        "record/ledger.html",
        head=head,
        public_key=record_store.public_key(),
        vkey=record_store.vkey(),
        origin=record_store.origin(),
        record_url=url_for("record.checkpoint", _external=True).removesuffix("checkpoint"),
        witnesses=[
            {
                "name": row.name,
                "cosigned_latest": head is not None
                and row.cosigned_size == head.size
                and row.cosigned_root == head.root_hash.hex(),
                "cosigned_size": row.cosigned_size,
                "cosigned_at": None
                if row.cosigned_at is None
                else datetime.fromtimestamp(row.cosigned_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                "status": row.status,
            }
            for row in witnesses.known()
        ],
    )
    commit()  # a head signed just now is kept, so everyone is shown the same one
    return shown


@record_pages.get("/ledger/verify_receipt.py")
def verifier_script() -> Response:
    """The stand-alone verifier (standard library only): the very module the portal itself uses."""
    return send_file(
        Path(proofs.__file__),
        mimetype="text/x-python",
        as_attachment=True,
        download_name="verify_receipt.py",
    )


def _text(body: str, status: int, cache: str) -> Response:
    return Response(
        body, status=status, content_type="text/plain; charset=utf-8", headers={"Cache-Control": cache}
    )


def _not_found(what: str) -> Response:
    return _text(what + "\n", 404, "no-store")


@record_pages.get("/record/checkpoint")
@read_limit
def checkpoint() -> Response:
    """The current checkpoint as a signed note (tlog-checkpoint, signed-note)."""
    try:
        note = record_store.checkpoint_note()
    except LookupError:
        return _not_found(_("Nothing has been recorded yet."))
    head = record_store.latest_head()
    assert head is not None
    cosignatures = witnesses.cosignature_lines(head)
    commit()  # a head or note signed just now is kept, so everyone is shown the same one
    return _text(note + cosignatures, 200, CHECKPOINT_CACHE)


def _binary(data: bytes | None, what: str) -> Response:
    if data is None:
        return _not_found(what)
    return Response(data, content_type="application/octet-stream", headers={"Cache-Control": IMMUTABLE})


_LEVEL = re.compile(r"0|[1-9][0-9]?", re.ASCII)


@record_pages.get("/record/tile/<level>/<path:index>")
@read_limit
def tile(level: str, index: str) -> Response:
    """A hash tile, full or partial (``.p/<W>``), as tlog-tiles serves it."""
    try:
        number, width = parse_index_path(index)
    except ValueError:
        return _not_found(_("There is no such tile."))
    if not _LEVEL.fullmatch(level) or int(level) > MAX_LEVEL:
        return _not_found(_("There is no such tile."))
    return _binary(record_store.read_tile(int(level), number, width), _("There is no such tile."))


@record_pages.get("/record/tile/entries/<path:index>")
@read_limit
def entry_bundle(index: str) -> Response:
    """An entry bundle, full or partial, as tlog-tiles serves it."""
    try:
        number, width = parse_index_path(index)
    except ValueError:
        return _not_found(_("There is no such entry bundle."))
    return _binary(record_store.read_bundle(number, width), _("There is no such entry bundle."))

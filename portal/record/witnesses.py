"""Witnesses: the worker submits each new checkpoint, with a consistency proof from the size the witness last
cosigned, to every configured witness (C2SP tlog-witness ``add-checkpoint``), and keeps their cosignatures,
which ``/record/checkpoint`` then serves with the log's own signature.

A witness cosigns only a checkpoint consistent with everything it has cosigned before, so a rollback or a fork
of the record cannot be shown to anyone who checks for the witnesses' cosignatures. Answers, as the spec
defines them: 200 (cosignature lines), 409 (the witness has another size: it says which, in
``text/x.tlog.size``, and the submission is retried once from there; a size above ours means the witness has
seen a larger tree than the portal now publishes, which is what a rollback looks like), 403 (the witness does
not trust our key), 404 (it does not know our origin), 422 (our proof does not verify: a fork).
"""

from __future__ import annotations

import base64
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import utcnow
from portal.record import store as record_store
from portal.record.checkpoint import (
    NoteError,
    parse_checkpoint,
    parse_signature_lines,
    parse_vkey,
    verify_cosignature,
)
from portal.record.models import Witness
from portal.record.tree_head import TreeHead

log = logging.getLogger(__name__)
WITNESS_JOB = "ledger_witness_checkpoint"
TIMEOUT_SECONDS = 10
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: str


Post = Callable[[str, bytes], Answer]


def http_post(url: str, body: bytes) -> Answer:
    request = urllib.request.Request(  # noqa: S310 - the operator's configured https (or http) witness URL
        url, data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return Answer(
                response.status, response.headers.get_content_type(), response.read(MAX_BODY).decode()
            )
    except urllib.error.HTTPError as error:
        return Answer(
            error.code, error.headers.get_content_type(), error.read(MAX_BODY).decode(errors="replace")
        )


def _submission(old_size: int, proof: list[bytes], note: str) -> bytes:
    lines = [f"old {old_size}", *(base64.b64encode(value).decode() for value in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()


def _row(name: str) -> Witness:
    row = db.session.get(Witness, name)
    if row is None:
        row = Witness(name=name, size=0, status="new", detail="")
        db.session.add(row)
    return row


def _note(row: Witness, status: str, detail: str) -> None:
    row.status, row.detail, row.checked_at = status, detail, utcnow()
    level = logging.INFO if status == "cosigned" else logging.ERROR
    log.log(level, "witness %s: %s %s", row.name, status, detail)


def push_checkpoint(post: Post | None = None) -> None:
    """The job: ask every configured witness to cosign the published checkpoint, if it has not yet."""
    witnesses = current_app.config.get("WITNESSES") or ()
    head = record_store.latest_head()
    if not witnesses or head is None:
        return
    note = record_store.checkpoint_note()
    for vkey, url in witnesses:
        submit(vkey, url, head, note, post or http_post)


def submit(vkey: str, url: str, head: TreeHead, note: str, post: Post) -> None:
    witness = parse_vkey(vkey)
    row = _row(witness.name)
    if row.cosigned_size == head.size and row.cosigned_root == head.root_hash.hex():
        return
    text = parse_checkpoint(note).text
    old = row.size or 0
    for _attempt in range(2):
        if old > head.size:
            _note(
                row, "ahead", f"the witness has cosigned {old} entries, more than the {head.size} published"
            )
            return
        proof = record_store.consistency_from(head, old)
        try:
            answer = post(f"{url}/add-checkpoint", _submission(old, proof, note))
        except (OSError, ValueError) as error:
            _note(row, "unreachable", str(error))
            return
        if answer.status == 409 and answer.content_type == "text/x.tlog.size":
            try:
                old = int(answer.body.strip())
            except ValueError:
                _note(row, "error", f"409 with a body that is not a size: {answer.body[:80]!r}")
                return
            row.size = old
            continue
        if answer.status != 200:
            status = {403: "forbidden", 404: "unknown_log", 422: "inconsistent"}.get(answer.status, "error")
            _note(row, status, f"HTTP {answer.status}: {answer.body[:200]}")
            return
        for signature in parse_signature_lines(answer.body):
            timestamp = verify_cosignature(signature, text, witness)
            if timestamp is not None:
                row.size = head.size
                row.cosigned_size, row.cosigned_root = head.size, head.root_hash.hex()
                row.cosigned_at, row.signature = timestamp, signature.line()
                _note(row, "cosigned", f"{head.size} entries")
                return
        _note(row, "bad_cosignature", "no valid cosignature by the witness's key in the answer")
        return
    _note(row, "conflict", f"the witness still answers 409 (size {old})")


def cosignature_lines(head: TreeHead) -> str:
    """The witnesses' cosignature lines of ``head``'s checkpoint, to append to the note."""
    rows = db.session.scalars(
        select(Witness).where(
            Witness.cosigned_size == head.size, Witness.cosigned_root == head.root_hash.hex()
        )
    )
    return "".join(row.signature for row in rows if row.signature)


def known() -> list[Witness]:
    configured = {parse_vkey(vkey).name for vkey, _url in current_app.config.get("WITNESSES") or ()}
    return [
        row for row in db.session.scalars(select(Witness).order_by(Witness.name)) if row.name in configured
    ]


__all__ = ["WITNESS_JOB", "Answer", "NoteError", "cosignature_lines", "known", "push_checkpoint", "submit"]

"""Receipts kept for a short, private window: a reload, Back, a language switch or an API retry shows the same
receipt again and never files the complaint a second time.

Two kinds of copy, one table (:class:`ReceiptCopy`):

- **Page copies.** After the form's POST the browser is redirected to ``/receipt/<handle>``. The receipt is sealed
  (Fernet) under a fresh key that travels only in an HttpOnly cookie limited to that path, for
  ``RECEIPT_PAGE_MINUTES``. Without the cookie the row is noise; after the window it is deleted.
- **API copies.** A client that sends ``Idempotency-Key`` gets the same 201 answer for the same key and the same
  request during ``IDEMPOTENCY_HOURS``. The row is found by an HMAC of the key under the portal's secret and sealed
  under another HMAC of it, so neither the database nor a guess of the handle opens it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import delete

from portal.complaints.models import ReceiptCopy
from portal.extensions import db
from portal.models.types import utcnow
from portal.refusals import N_, Conflict

FORGET_JOB = "complaints_forget_receipt_copies"
MAX_IDEMPOTENCY_KEY = 200
MIN_IDEMPOTENCY_KEY = 8


class KeyReusedForAnotherRequest(Conflict):
    # The IETF Idempotency-Key draft answers a key reused with another payload with 422.
    code = "idempotency_key_reused"
    status = 422
    message = N_(
        "This Idempotency-Key was already used for a different complaint. Use a new key for each complaint."
    )


def _seal(key: bytes, document: dict[str, Any]) -> bytes:
    return Fernet(key).encrypt(json.dumps(document, ensure_ascii=False).encode("utf-8"))


def _open(key: bytes, sealed: bytes) -> dict[str, Any] | None:
    try:
        document = json.loads(Fernet(key).decrypt(sealed))
    except (InvalidToken, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _live(handle: str) -> ReceiptCopy | None:
    copy = db.session.get(ReceiptCopy, handle)
    if copy is None or copy.expires_at <= utcnow():
        return None
    return copy


# --- Page copies ---------------------------------------------------------------------------------------------


def page_window() -> timedelta:
    return timedelta(minutes=int(current_app.config["RECEIPT_PAGE_MINUTES"]))


def keep_for_page(document: dict[str, Any]) -> tuple[str, str]:
    """Seal the receipt for the filer's browser; returns the handle (the page's path) and the cookie's key."""
    handle = secrets.token_urlsafe(18)
    key = Fernet.generate_key()
    db.session.add(
        ReceiptCopy(handle=handle, sealed=_seal(key, document), expires_at=utcnow() + page_window())
    )
    return handle, key.decode("ascii")


def open_for_page(handle: str, key: str | None) -> dict[str, Any] | None:
    """The receipt, if the window is still open and the browser holds the key; otherwise None."""
    if not key or len(handle) > 64:
        return None
    copy = _live(handle)
    if copy is None or copy.request_digest is not None:
        return None
    try:
        return _open(key.encode("ascii"), copy.sealed)
    except (ValueError, UnicodeEncodeError):
        return None


# --- API copies (Idempotency-Key) ---------------------------------------------------------------------------


def valid_idempotency_key(key: str) -> bool:
    return MIN_IDEMPOTENCY_KEY <= len(key) <= MAX_IDEMPOTENCY_KEY and key.isascii() and key.isprintable()


def _derived(purpose: bytes, idempotency_key: str) -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, purpose + b"\0" + idempotency_key.encode("ascii"), hashlib.sha256).digest()


def _api_handle(idempotency_key: str) -> str:
    return "api-" + _derived(b"idempotency-handle", idempotency_key).hex()[:56]


def _api_key(idempotency_key: str) -> bytes:
    return base64.urlsafe_b64encode(_derived(b"idempotency-seal", idempotency_key))


def request_digest(parts: list[tuple[str, bytes]]) -> str:
    """SHA-256 over the named parts of a request (body, form fields, files), in a stable order."""
    digest = hashlib.sha256()
    for name, value in sorted(parts):
        digest.update(hashlib.sha256(name.encode("utf-8")).digest())
        digest.update(hashlib.sha256(value).digest())
    return digest.hexdigest()


def has_live_answer(idempotency_key: str | None) -> bool:
    """Whether a retry under this key will be answered from its copy (so it is no new filing to count)."""
    if idempotency_key is None or not valid_idempotency_key(idempotency_key):
        return False
    return _live(_api_handle(idempotency_key)) is not None


def earlier_answer(idempotency_key: str, digest: str) -> dict[str, Any] | None:
    """The answer given to this key before, or None; a different request under the same key is refused."""
    copy = _live(_api_handle(idempotency_key))
    if copy is None:
        return None
    if copy.request_digest != digest:
        raise KeyReusedForAnotherRequest("idempotency key reused with another request")
    return _open(_api_key(idempotency_key), copy.sealed)


def remember_answer(idempotency_key: str, digest: str, document: dict[str, Any]) -> None:
    """Keep the answer in the filing's own transaction: if two retries race, the second one's commit fails on the
    handle and files nothing (see :func:`portal.complaints.api.file_complaint`)."""
    handle = _api_handle(idempotency_key)
    # Only an expired copy may make way. A live one (a retry that overlapped this request and committed first)
    # stays, so this insert fails on the handle and the filing is rolled back instead of made twice.
    db.session.execute(
        delete(ReceiptCopy).where(ReceiptCopy.handle == handle, ReceiptCopy.expires_at <= utcnow())
    )
    hours = int(current_app.config["IDEMPOTENCY_HOURS"])
    db.session.add(
        ReceiptCopy(
            handle=handle,
            request_digest=digest,
            sealed=_seal(_api_key(idempotency_key), document),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )


def forget_expired() -> None:
    """Receipts past their window are deleted: the secret they hold must not outlive it."""
    db.session.execute(delete(ReceiptCopy).where(ReceiptCopy.expires_at <= utcnow()))

"""Keeping bulk bots off the intake without asking citizens who they are.

- A honeypot: a field people never see (hidden from sight and from screen readers, and labelled "leave empty"
  for those who meet it anyway) that form-filling bots fill in.
- An optional proof of work (``INTAKE_POW_BITS`` > 0), as GlobaLeaks does: the form carries a signed challenge,
  the browser searches for a nonce whose SHA-256 with the challenge starts with that many zero bits (a second or
  two for one complaint, hours for a million), and each solved challenge is accepted once. It needs JavaScript,
  so it is off by default; the API asks for it the same way (``GET /api/v1/complaints/challenge``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from portal.complaints.forms import ComplaintForm
from portal.complaints.models import SpentChallenge
from portal.extensions import db
from portal.models import utcnow
from portal.refusals import N_, Refusal

CHALLENGE_VERSION = "v1"
CHALLENGE_TTL_SECONDS = 3600
FORGET_JOB = "forget_spent_challenges"


class LooksAutomated(Refusal):
    code = "looks_automated"
    message = N_("This looks like an automated submission. Leave the field marked 'leave empty' empty.")


class ProofOfWorkMissing(Refusal):
    code = "proof_of_work"
    message = N_(
        "The page's anti-spam check did not complete. Reload the page, wait a moment and send again."
    )


@dataclass(frozen=True)
class Challenge:
    text: str
    bits: int


def required_bits() -> int:
    return int(current_app.config["INTAKE_POW_BITS"])


def _signature(body: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"intake-pow:{body}".encode(), hashlib.sha256).hexdigest()[:32]


def new_challenge() -> Challenge:
    bits = required_bits()
    body = f"{CHALLENGE_VERSION}.{bits}.{int(time.time())}.{secrets.token_hex(8)}"
    return Challenge(f"{body}.{_signature(body)}", bits)


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solves(challenge: str, nonce: str, bits: int) -> bool:
    return leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) >= bits


def _valid(challenge: str, nonce: str) -> bool:
    version, _dot, rest = challenge.partition(".")
    parts = rest.split(".")
    if version != CHALLENGE_VERSION or len(parts) != 4 or not all(parts):
        return False
    bits, issued, _random, signature = parts
    body = challenge.rsplit(".", 1)[0]
    if not hmac.compare_digest(signature, _signature(body)) or not (bits.isdigit() and issued.isdigit()):
        return False
    if int(bits) < required_bits() or not 0 <= time.time() - int(issued) <= CHALLENGE_TTL_SECONDS:
        return False
    return len(nonce) <= 32 and solves(challenge, nonce, int(bits))


def check_submission(*, honeypot: str | None, challenge: str | None, nonce: str | None) -> None:
    """Refuse a submission that filled the honeypot, or whose proof of work is missing, wrong, stale or spent."""
    if honeypot:
        raise LooksAutomated
    if required_bits() == 0:
        return
    if not challenge or not nonce or not _valid(challenge, nonce):
        raise ProofOfWorkMissing
    digest = hashlib.sha256(challenge.encode()).hexdigest()
    try:
        with db.session.begin_nested():
            db.session.add(SpentChallenge(digest=digest, spent_at=utcnow()))
    except IntegrityError as exc:
        raise ProofOfWorkMissing("challenge already spent") from exc


def forget_expired_challenges() -> None:
    """Spent challenges older than a challenge's lifetime cannot be replayed anyway: drop them."""
    cutoff = utcnow() - timedelta(seconds=CHALLENGE_TTL_SECONDS)
    db.session.execute(delete(SpentChallenge).where(SpentChallenge.spent_at < cutoff))


def screen(form: ComplaintForm) -> None:
    """The checks for a validated complaint form, from the page or the API alike."""
    check_submission(honeypot=form.website.data, challenge=form.pow_challenge.data, nonce=form.pow_nonce.data)


def offer_challenge(form: ComplaintForm) -> None:
    """Put a fresh challenge on a form about to be shown, when a proof of work is asked for."""
    if required_bits() > 0:
        form.pow_challenge.data = new_challenge().text
        form.pow_nonce.data = ""

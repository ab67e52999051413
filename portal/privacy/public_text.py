"""Text as the public may read it: phone, ID, e-mail and bank card numbers and staff-marked names removed; the
offices' own published numbers (``PUBLISHED_PHONE_NUMBERS``) kept."""

from __future__ import annotations

from flask import current_app

from portal.models import Complaint
from portal.privacy.redaction import labels_for_locale, redact


def public_text(complaint: Complaint, text: str, locale: str) -> str:
    return redact(
        text,
        private_names=complaint.redactions or (),
        labels=labels_for_locale(locale),
        published_numbers=current_app.config["PUBLISHED_PHONE_NUMBERS"],
    )


def public_text_or_none(complaint: Complaint, text: str | None, locale: str) -> str | None:
    return public_text(complaint, text, locale) if text else None

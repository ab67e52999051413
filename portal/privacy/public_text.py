"""Text as the public may read it: phone, ID, e-mail and bank card numbers and staff-marked names removed."""

from __future__ import annotations

from portal.models import Complaint
from portal.privacy.redaction import labels_for_locale, redact


def public_text(complaint: Complaint, text: str, locale: str, *, official: bool = False) -> str:
    """``official``: written by staff or an oversight body, whose office numbers are published on purpose."""
    return redact(
        text,
        private_names=complaint.redactions or (),
        labels=labels_for_locale(locale),
        keep_landlines=official,
    )


def public_text_or_none(
    complaint: Complaint, text: str | None, locale: str, *, official: bool = False
) -> str | None:
    return public_text(complaint, text, locale, official=official) if text else None

"""The portal's own use of a complainant's contact details: sending them the notices they asked for.

The details are opened here and nowhere else outside a staff reveal (:mod:`portal.privacy.reveals`), only for a
complainant who opted in and did not file anonymously, and every use is logged (``ContactUse``) in the
transaction that sends the notice.
"""

from __future__ import annotations

import logging

from portal.extensions import db
from portal.models import Complaint
from portal.privacy.contacts import read_contact
from portal.privacy.models import ContactUse
from portal.privacy.sealing import Contact

log = logging.getLogger(__name__)

NOTIFICATION = "notification"


EMAIL, SMS = "email", "sms"


def _address(contact: Contact, channel: str) -> str | None:
    if channel == EMAIL:
        return contact.email
    if channel == SMS:
        return contact.phone
    raise ValueError(f"no channel {channel!r}")


def address_for_notice(complaint: Complaint, *, channel: str, event_id: int | None) -> str | None:
    """The one detail a notice on ``channel`` (``email`` or ``sms``) needs, logged; None when the complainant
    is not to be notified (anonymous, never asked, unsubscribed) or left no such detail (nothing is logged
    then: the details were not used)."""
    if complaint.anonymous or not complaint.notify:
        return None
    contact = read_contact(complaint)
    address = _address(contact, channel) if contact is not None else None
    if not address:
        return None
    db.session.add(
        ContactUse(complaint_id=complaint.id, purpose=NOTIFICATION, channel=channel, event_id=event_id)
    )
    # The log says that the details were used, never what they are.
    log.info("contact details of %s used for a %s notice", complaint.tracking_code, channel)
    return address

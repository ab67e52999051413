"""Telling complainants of public changes: who is told of what, composing the notice, sending it, stopping it.

A complainant who gave an e-mail address (or a phone number) and asked to be notified gets a notice for every
event the recording feature marked as notable (``EventText.notify``: routed, replied, resolved, reopened, each
step of an oversight case). Never for an anonymous complaint, and never more than the public page says: the
notice is the event's public wording and public detail, the status, the tracking link and the way to stop.

Recording the event enqueues one job per channel; the job runs after the commit (inline in the embedded
default, on the rq queue with retries otherwise), reopens the sealed contact details through
:mod:`portal.privacy.notices` (which logs the use) and sends. A notice sent is kept (``Notice``), so a retry or
a duplicate job never sends it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import jobs
from portal.complaints.timeline import describe, public_detail, status_label
from portal.extensions import db
from portal.features import EventText, installed, says
from portal.feedback.service import feedback_link_token
from portal.models import Complaint, ComplaintStatus, Event
from portal.notifications.links import code_from_token, public_link, unsubscribe_token
from portal.notifications.mail import mailer_for
from portal.notifications.models import Notice
from portal.notifications.sms import SMS_MAX_CHARS, gateway_for
from portal.privacy.notices import EMAIL, SMS, address_for_notice
from portal.privacy.public_text import public_text, public_text_or_none
from portal.record import events
from portal.refusals import N_, Refusal
from portal.signals import PublicEventRecorded

EMAIL_JOB = "notify_by_email"
SMS_JOB = "notify_by_sms"

STOPPED = "notifications_stopped"


def is_notable(kind: str) -> bool:
    text = installed().timeline.get(kind)
    return bool(text and text.notify)


def on_public_event(recorded: PublicEventRecorded) -> None:
    """Receiver of ``public_event_recorded``: ask for the notices, to be sent once the change is committed."""
    if not is_notable(recorded.kind):
        return
    complaint = db.session.get(Complaint, recorded.complaint_id)
    if complaint is None or complaint.anonymous or not complaint.notify:
        return
    jobs.enqueue(EMAIL_JOB, recorded.event_id)
    jobs.enqueue(SMS_JOB, recorded.event_id)


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str
    track_url: str
    unsubscribe_url: str


def compose(complaint: Complaint, event: Event) -> Composed:
    """The notice of ``event``, in the complaint's language, with nothing the public page does not show."""
    language = complaint.language
    with force_locale(language):
        what = describe(event)
        detail = public_text_or_none(complaint, public_detail(event), language)
        track_url = public_link("complaints.track", code=complaint.tracking_code, lang=language)
        unsubscribe_url = public_link(
            "notifications.unsubscribe", token=unsubscribe_token(complaint.tracking_code), lang=language
        )
        subject = _("[Fire Alarm] %(code)s: %(what)s", code=complaint.tracking_code, what=what)
        lines = [
            _("News about your complaint %(code)s", code=complaint.tracking_code),
            public_text(complaint, complaint.title, language),
            "",
            f"{format_datetime(event.created_at, 'short')}  {what}",
        ]
        if detail:
            lines += ["", detail]
        lines += [
            "",
            # As the status page words it (a duplicate's is its master's; an allegation alone is oversight's).
            _("Status: %(status)s", status=status_label(complaint)),
            _("The whole public timeline: %(url)s", url=track_url),
        ]
        visit_token = feedback_link_token(complaint) if complaint.status is ComplaintStatus.RESOLVED else None
        if visit_token:
            feedback_url = public_link(
                "feedback.visit", code=complaint.tracking_code, token=visit_token, lang=language
            )
            lines.append(_("Was it fixed? Tell us, in one step: %(url)s", url=feedback_url))
        lines += [
            "",
            "-- ",
            _("You get these mails because you asked for them when you filed."),
            _("To stop them: %(url)s", url=unsubscribe_url),
        ]
    return Composed(subject, "\n".join(lines) + "\n", track_url, unsubscribe_url)


def _already_sent(event_id: int, channel: str) -> bool:
    found = db.session.scalar(select(Notice.id).where(Notice.event_id == event_id, Notice.channel == channel))
    return found is not None


def _subject_of(event_id: int, channel: str) -> tuple[Complaint, Event] | None:
    event = db.session.get(Event, event_id)
    if event is None or event.complaint is None or not event.public or _already_sent(event_id, channel):
        return None
    complaint = event.complaint
    if complaint.anonymous or not complaint.notify or not is_notable(event.kind):
        return None
    return complaint, event


def send_email_notice(event_id: int) -> None:
    """Job: the e-mail notice of one event (idempotent; raises on a mail server failure, so it is retried)."""
    found = _subject_of(event_id, EMAIL)
    if found is None:
        return
    complaint, event = found
    address = address_for_notice(complaint, channel=EMAIL, event_id=event.id)
    if address is None:
        return
    composed = compose(complaint, event)
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = address
    message["Subject"] = composed.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="fire-alarm.invalid")
    message["Auto-Submitted"] = "auto-generated"
    # RFC 2369 and RFC 8058: mail clients offer a one-click "unsubscribe" that POSTs to this address.
    message["List-Unsubscribe"] = f"<{composed.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(composed.body)
    message["Content-Language"] = complaint.language  # after set_content, which resets the Content-* headers
    mailer_for(config).send(message)
    db.session.add(
        Notice(complaint_id=complaint.id, event_id=event.id, channel=EMAIL, subject=composed.subject)
    )


def send_sms_notice(event_id: int) -> None:
    """Job: the text message of one event, when the complainant left a phone number (idempotent)."""
    found = _subject_of(event_id, SMS)
    if found is None:
        return
    complaint, event = found
    address = address_for_notice(complaint, channel=SMS, event_id=event.id)
    if address is None:
        return
    composed = compose(complaint, event)
    text = f"{composed.subject} {composed.track_url}"
    gateway_for(current_app.config["SMS_BACKEND"]).send(address, text[:SMS_MAX_CHARS])
    db.session.add(
        Notice(complaint_id=complaint.id, event_id=event.id, channel=SMS, subject=composed.subject)
    )


class BadUnsubscribeLink(Refusal):
    code = "bad_unsubscribe_link"
    status = 404
    message = N_("This link to stop notifications is not valid. Copy the whole link from the mail.")


def complaint_for_token(token: str) -> Complaint:
    code = code_from_token(token)
    complaint = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code)) if code else None
    if complaint is None:
        raise BadUnsubscribeLink(token[:40])
    return complaint


def unsubscribe(token: str) -> Complaint:
    """Stop every notice of the complaint the token names (the caller commits). Stopping twice is harmless."""
    complaint = complaint_for_token(token)
    if complaint.notify:
        complaint.notify = False
        events.record(STOPPED, complaint=complaint, actor="citizen", public=False, payload={})
    return complaint


TIMELINE = {STOPPED: EventText(says(_l("The citizen stopped the notifications")))}

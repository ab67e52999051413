"""Notifications: e-mail (and SMS) to complainants who asked, for each public change; one-click unsubscribe."""

from portal.features import Feature, Job
from portal.notifications import service
from portal.notifications.pages import notification_pages
from portal.signals import Subscription, public_event_recorded

FEATURE = Feature(
    name="notifications",
    pages=(notification_pages,),
    jobs=(
        Job(service.EMAIL_JOB, service.send_email_notice, timeout_seconds=60),
        Job(service.SMS_JOB, service.send_sms_notice, timeout_seconds=60),
    ),
    receivers=(Subscription(public_event_recorded, service.on_public_event),),
    timeline=service.TIMELINE,
)

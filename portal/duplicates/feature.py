"""Duplicate links: a duplicate shows its master's handling; both timelines record the link; news of the
master reaches the duplicates' citizens. The desk and its API are the triage desk's (triage.pages, triage.api)."""

from portal.duplicates import service
from portal.features import EventText, Feature
from portal.signals import Subscription, public_event_recorded

FEATURE = Feature(
    name="duplicates",
    receivers=(Subscription(public_event_recorded, service.on_public_event),),
    timeline={
        service.LINKED: EventText(service.describe_linked, detail_key="reason", notify=True),
        service.DUPLICATE_ADDED: EventText(
            service.describe_duplicate_added, detail_key="reason", notify=True
        ),
        service.UNLINKED: EventText(service.describe_unlinked, detail_key="reason", notify=True),
        service.DUPLICATE_REMOVED: EventText(
            service.describe_duplicate_removed, detail_key="reason", notify=True
        ),
        service.MASTER_PROGRESS: EventText(service.describe_master_progress, notify=True),
    },
    public_sections={"duplicates": service.public_links},
    public_sections_many={"duplicates": service.public_links_many},
    track_partials=("duplicates/_track.html",),
    status_labels=(service.linked_status_label,),
)

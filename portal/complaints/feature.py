"""Complaints: filing, lookup, follow-up and the public status page, on the web and in the API."""

from portal.complaints import antispam, filing, followup, processing, receipt_copies, routing, second_bureau
from portal.complaints.api import API_DOCS, complaints_api
from portal.complaints.cli import sweep_command
from portal.complaints.pages import complaint_pages
from portal.features import Feature, Job

FEATURE = Feature(
    name="complaints",
    pages=(complaint_pages,),
    apis=(complaints_api,),
    subcommands={"jobs": (sweep_command,)},
    jobs=(
        # Until a classifier is installed (the triage feature replaces this job), every complaint waits for a human.
        Job(processing.CLASSIFY_JOB, processing.await_triage, timeout_seconds=60),
        Job(processing.REQUEUE_JOB, processing.requeue_stale, every_seconds=60, timeout_seconds=120),
        Job(antispam.FORGET_JOB, antispam.forget_expired_challenges, every_seconds=3600, timeout_seconds=120),
        Job(receipt_copies.FORGET_JOB, receipt_copies.forget_expired, every_seconds=300, timeout_seconds=120),
    ),
    timeline={
        **filing.TIMELINE,
        **processing.TIMELINE,
        **routing.TIMELINE,
        **second_bureau.TIMELINE,
        **followup.TIMELINE,
    },
    public_sections={"second_bureau": second_bureau.section},
    public_sections_many={"second_bureau": second_bureau.sections},
    api_docs=API_DOCS,
)

"""The tamper-evident public record: its pages, its API, ``flask ledger``, and the hourly signed head."""

from flask_babel import lazy_gettext as _l

from portal.features import Feature, Job, NavLink
from portal.record.api import API_DOCS, record_api
from portal.record.cli import ledger_cli
from portal.record.pages import record_pages
from portal.record.store import SIGN_JOB, sign_head_job
from portal.record.witnesses import WITNESS_JOB, push_checkpoint

FEATURE = Feature(
    name="record",
    pages=(record_pages,),
    apis=(record_api,),
    commands=(ledger_cli,),
    jobs=(
        Job(SIGN_JOB, sign_head_job, every_seconds=3600, timeout_seconds=120),
        # Each witness is asked at most twice a run, ten seconds each.
        Job(WITNESS_JOB, push_checkpoint, every_seconds=300, timeout_seconds=120),
    ),
    public_nav=(NavLink("record.page", _l("Public record"), _l("The record")),),
    api_docs=API_DOCS,
)

"""Escalation in the app: cases opened from referrals, the sweep, the liaison desk, the accountability board,
the overdue figure on /metrics."""

from flask_babel import lazy_gettext as _l

from escalation.accountability import REFRESH_JOB, refresh_figures
from escalation.api import API_DOCS, escalation_api
from escalation.board import public_pages
from escalation.cases import SWEEP_JOB, may_see_contact, sweep
from escalation.checkin import API_DOCS as CHECK_IN_DOCS
from escalation.checkin import checkin_api, checkin_pages, public_check_in, public_check_ins_many
from escalation.cli import escalation_cli
from escalation.demo import seed_complaints_command
from escalation.desk import desk
from escalation.metrics import overdue_figures
from escalation.public import TIMELINE, oversight_status, public_cases, public_cases_many
from escalation.referrals import open_inaction_case, open_referred_case
from escalation.retaliation import TIMELINE as RETALIATION_TIMELINE
from portal.domain import Role
from portal.features import ApiDocs, Desk, Feature, Job, NavLink
from portal.signals import Subscription, inaction_referred, misconduct_referred

FEATURE = Feature(
    name="escalation",
    pages=(public_pages, desk, checkin_pages),
    apis=(escalation_api, checkin_api),
    commands=(escalation_cli,),
    subcommands={"seed": (seed_complaints_command,)},
    jobs=(
        Job(SWEEP_JOB, sweep, every_seconds=600),
        # The board's figures, counted for all time every five minutes (the page says when).
        Job(REFRESH_JOB, refresh_figures, every_seconds=300, timeout_seconds=600),
    ),
    receivers=(
        Subscription(misconduct_referred, open_referred_case),
        Subscription(inaction_referred, open_inaction_case),
    ),
    timeline={**TIMELINE, **RETALIATION_TIMELINE},
    public_sections={"escalations": public_cases, "retaliation_check_in": public_check_in},
    public_sections_many={"escalations": public_cases_many, "retaliation_check_in": public_check_ins_many},
    status_labels=(oversight_status,),
    track_partials=("escalation/_cases.html", "escalation/_check_in.html"),
    public_nav=(NavLink("escalation_public.accountability_page", _l("Accountability")),),
    desks=(Desk("escalation_desk.case_list", _l("Oversight cases"), (Role.LIAISON,)),),
    api_docs=ApiDocs(
        {**API_DOCS.paths, **CHECK_IN_DOCS.paths}, {**API_DOCS.schemas, **CHECK_IN_DOCS.schemas}
    ),
    metrics=(overdue_figures,),
    contact_access=(may_see_contact,),
)

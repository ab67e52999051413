"""Escalation in the app: cases opened from referrals, the sweep, the liaison desk, the accountability board,
the overdue figure on /metrics."""

from flask_babel import lazy_gettext as _l

from escalation.accountability import REFRESH_JOB, refresh_figures
from escalation.api import API_DOCS, escalation_api
from escalation.board import public_pages
from escalation.cases import SWEEP_JOB, may_see_contact, sweep
from escalation.cli import escalation_cli
from escalation.demo import seed_complaints_command
from escalation.desk import desk
from escalation.metrics import overdue_figures
from escalation.public import TIMELINE, public_cases, public_cases_many
from escalation.referrals import open_referred_case
from portal.domain import Role
from portal.features import Desk, Feature, Job, NavLink
from portal.signals import Subscription, misconduct_referred

FEATURE = Feature(
    name="escalation",
    pages=(public_pages, desk),
    apis=(escalation_api,),
    commands=(escalation_cli,),
    subcommands={"seed": (seed_complaints_command,)},
    jobs=(
        Job(SWEEP_JOB, sweep, every_seconds=600),
        # The board's figures, counted for all time every five minutes (the page says when).
        Job(REFRESH_JOB, refresh_figures, every_seconds=300, timeout_seconds=600),
    ),
    receivers=(Subscription(misconduct_referred, open_referred_case),),
    timeline=TIMELINE,
    public_sections={"escalations": public_cases},
    public_sections_many={"escalations": public_cases_many},
    track_partials=("escalation/_cases.html",),
    public_nav=(NavLink("escalation_public.accountability_page", _l("Accountability")),),
    desks=(Desk("escalation_desk.case_list", _l("Oversight cases"), (Role.LIAISON,)),),
    api_docs=API_DOCS,
    metrics=(overdue_figures,),
    contact_access=(may_see_contact,),
)

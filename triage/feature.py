"""Triage in the app: the classification job, the triage desk and its API, ``flask triage``, retraining."""

from flask_babel import lazy_gettext as _l

from portal.complaints.processing import CLASSIFY_JOB
from portal.domain import Role
from portal.features import Desk, Feature, Job
from portal.jobs import MEDIA
from triage import classifier, decisions
from triage.api import API_DOCS, triage_api
from triage.classification import classify
from triage.cli import triage_cli
from triage.pages import desk
from triage.training import RETRAIN_JOB, retrain

FEATURE = Feature(
    name="triage",
    pages=(desk,),
    apis=(triage_api,),
    commands=(triage_cli,),
    # The classifier takes over the portal's default (which sends every complaint to a human).
    jobs=(
        Job(CLASSIFY_JOB, classify, replaces=True, timeout_seconds=60),
        # Training takes minutes on a real history: on the slow queue.
        Job(RETRAIN_JOB, retrain, queue=MEDIA, timeout_seconds=1800, inline_in_background=True),
    ),
    timeline=decisions.TIMELINE,
    desks=(Desk("triage_desk.queue", _l("Triage desk"), (Role.TRIAGE,)),),
    api_docs=API_DOCS,
    # jieba's dictionary and the active model, loaded before the worker's first classification.
    warm_ups=(classifier.warm_up,),
)

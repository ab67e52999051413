"""Forms for the liaison desk and the escalation API (the API validates JSON with the same classes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from escalation.accountability import Filters
from escalation.public import OUTCOME_LABELS
from escalation.vocabulary import ACTION_NAMES, CaseAction, Outcome
from portal.domain import Track
from portal.extensions import db
from portal.http.api import validation_failed
from portal.http.forms import free_text
from portal.http.sanitise import clean_line
from portal.labels import TRACK_LABELS, lazy_labels
from portal.models import Division

ACTION_LABELS = lazy_labels(ACTION_NAMES)


class CaseActionForm(FlaskForm):
    action = SelectField(
        _l("Action"),
        choices=[SelectChoice(a.value, label) for a, label in ACTION_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(message=_l("This field is required."))],
    )
    outcome = SelectField(
        _l("Outcome (when acting)"),
        choices=[
            SelectChoice("", "—"),
            *(SelectChoice(o.value, label) for o, label in OUTCOME_LABELS.items()),
        ],
        validate_choice=False,
        validators=[Optional()],
    )
    text = free_text(_l("Reason or details (published)"), maximum=5000, required=False)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.action.data not in {a.value for a in CaseAction}:
            self.action.errors.append(_l("Choose one of the listed actions."))
            valid = False
        if self.outcome.data and self.outcome.data not in {o.value for o in Outcome}:
            self.outcome.errors.append(_l("Choose one of the listed outcomes."))
            valid = False
        return valid


class OpenCaseForm(FlaskForm):
    track = SelectField(
        _l("Oversight track"),
        choices=[SelectChoice(t.value, label) for t, label in TRACK_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(message=_l("This field is required."))],
    )
    reason = free_text(_l("Why this goes to oversight"), maximum=2000)
    division = StringField(
        _l("Division of the accused unit (code)"), filters=[clean_line], validators=[Optional()]
    )
    accused_unit_code = StringField(
        _l("Code of the accused unit, if it is one of ours"), filters=[clean_line], validators=[Optional()]
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.track.data not in {t.value for t in Track}:
            self.track.errors.append(_l("Choose discipline or supervision."))
            valid = False
        return valid


EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def parse_filters(args: Any) -> Filters:
    """Filters from query parameters, or a 422 naming the bad one."""
    problems: dict[str, list[str]] = {}
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        raw = args.get(name) or None
        try:
            day = date.fromisoformat(raw) if raw else None
        except ValueError:
            problems[name] = [_("Use a date like 2026-01-31.")]
            continue
        # 0001-01-01 and 9999-12-31 mean "from the start" and "to the end"; the first and last days a zoned
        # timestamp can hold do not survive the time-zone arithmetic, so the period is held within these.
        days[name] = None if day is None else min(max(day, EARLIEST_DAY), LATEST_DAY)
    since, until = days.get("since"), days.get("until")
    if since and until and since > until:
        problems["until"] = [_("The end of the period comes before its start.")]
    division = args.get("division") or None
    if (
        division is not None
        and db.session.scalar(select(Division.id).where(Division.code == division)) is None
    ):
        problems["division"] = [_("Unknown district or county.")]
    if problems:
        raise validation_failed(problems)
    return Filters(division_code=division, since=since, until=until)

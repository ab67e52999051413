"""Forms of the triage desk; the API validates JSON with the same classes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from portal.categories import CATEGORIES, CATEGORY_KEYS
from portal.domain import Track, in_language
from portal.http.forms import free_text
from portal.http.sanitise import clean_line
from portal.models import Bureau
from triage.decisions import Referral

REASON_HINT = _l("Required when you depart from the model's suggestion or re-route.")
REVIEW_REASON_HINT = _l(
    "Required, to confirm or to dismiss: say what in the complaint supports your decision (2 to 1000 "
    "characters). It goes on the record and, on confirmation, to the oversight body."
)


def category_choices(locale: str) -> list[SelectChoice]:
    return [SelectChoice(c.key, in_language(locale, c.label_zh, c.label_en)) for c in CATEGORIES]


def bureau_choices(bureaus: Sequence[Bureau], locale: str) -> list[SelectChoice]:
    return [SelectChoice(bureau.code, f"{bureau.name(locale)} ({bureau.code})") for bureau in bureaus]


class RoutingForm(FlaskForm):
    category = SelectField(
        _l("Category"),
        validate_choice=False,
        validators=[InputRequired(message=_l("This field is required."))],
    )
    division = StringField(
        _l("Division (code), if not the complaint's own"), filters=[clean_line], validators=[Optional()]
    )
    reason = free_text(_l("Reason"), maximum=1000, required=False)
    # Any bureau code is accepted here: whether it may be the second bureau is the domain's rule to refuse.
    second_bureau = SelectField(
        _l("Second bureau, if two bureaus must act (each replies on its own deadline)"),
        validate_choice=False,
        filters=[clean_line],
        validators=[Optional()],
    )

    def __init__(self, *args: Any, locale: str = "zh", bureaus: Sequence[Bureau] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices(locale)
        self.second_bureau.choices = [
            SelectChoice("", _l("None: one bureau")),
            *bureau_choices(bureaus, locale),
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.category.data and self.category.data not in CATEGORY_KEYS:
            self.category.errors.append(_l("Unknown category."))
            valid = False
        return valid


class MisconductReviewForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice("confirm", _l("Confirm: refer to an oversight body")),
            SelectChoice("dismiss", _l("Dismiss: no misconduct allegation to pursue")),
        ],
        validate_choice=False,
        validators=[InputRequired(message=_l("This field is required."))],
    )
    track = SelectField(
        _l("Oversight track"),
        choices=[
            SelectChoice("", _l("As suggested")),
            SelectChoice(Track.DISCIPLINE.value, _l("Discipline Inspection Commission (Party members)")),
            SelectChoice(Track.SUPERVISION.value, _l("Bureau of Supervision (non-Party staff)")),
        ],
        validate_choice=False,
        validators=[Optional()],
    )
    division = StringField(
        _l("Division of the accused unit (code)"), filters=[clean_line], validators=[Optional()]
    )
    accused_unit_code = StringField(
        _l("Code of the accused unit, if it is one of ours"), filters=[clean_line], validators=[Optional()]
    )
    reason = free_text(_l("Reason"), maximum=1000)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data not in {"confirm", "dismiss"}:
            self.decision.errors.append(_l("Choose confirm or dismiss."))
            valid = False
        if self.track.data and self.track.data not in {t.value for t in Track}:
            self.track.errors.append(_l("Choose discipline or supervision."))
            valid = False
        return valid

    def referral(self) -> Referral:
        """The validated form as the referral it asks for."""
        return Referral(
            reason=self.reason.data,
            track=Track(self.track.data) if self.track.data else None,
            division_code=self.division.data or None,
            accused_unit_code=self.accused_unit_code.data or None,
        )


LINK_REASON_HINT = _l(
    "Required: say why it is the same problem (2 to 1000 characters). It goes on both complaints' public records."
)
UNLINK_REASON_HINT = _l(
    "Required: say why it is not the same problem after all. It goes on both public records."
)


class LinkDuplicateForm(FlaskForm):
    """Handle the complaint together with a master: the same problem in the same place."""

    master = StringField(
        _l("Tracking code of the master complaint"),
        filters=[clean_line],
        validators=[InputRequired(message=_l("This field is required."))],
    )
    reason = free_text(_l("Reason"), maximum=1000)


class UnlinkDuplicateForm(FlaskForm):
    reason = free_text(_l("Reason"), maximum=1000)

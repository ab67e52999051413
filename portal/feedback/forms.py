"""The follow-up visit's form, for the page and the API alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice

from portal.feedback.labels import FIXED_LABELS, SATISFACTION_LABELS
from portal.feedback.rules import Fixed, Satisfaction
from portal.http.forms import free_text

COMMENT_MAX = 2000


class FeedbackForm(FlaskForm):
    secret = StringField(_l("Follow-up secret from your receipt"))
    # From the link in the resolution mail: stands in for the secret, for that resolution only.
    token = HiddenField()
    fixed = RadioField(
        _l("Was the problem fixed?"),
        choices=[SelectChoice(value.value, label) for value, label in FIXED_LABELS.items()],
        validate_choice=False,  # checked below with a translated message
    )
    satisfaction = RadioField(
        _l("How satisfied are you with how the bureau handled it?"),
        choices=[SelectChoice(value.value, label) for value, label in SATISFACTION_LABELS.items()],
        validate_choice=False,
    )
    comment = free_text(_l("Anything to add (optional, public)"), maximum=COMMENT_MAX, required=False)

    def validate_secret(self, field: Field) -> None:
        if not (field.data or "").strip() and not self.token.data:
            raise ValidationError(_l("This field is required."))

    def validate_fixed(self, field: Field) -> None:
        if field.data not in {value.value for value in Fixed}:
            raise ValidationError(_l("Choose yes, partly or no."))

    def validate_satisfaction(self, field: Field) -> None:
        if field.data not in {value.value for value in Satisfaction}:
            raise ValidationError(_l("Choose satisfied, basically satisfied or unsatisfied."))

"""The complaint form: one definition of what a valid complaint is, for the web form and the JSON API alike.

The API turns its JSON into form data (see :mod:`portal.complaints.payload`) and validates with the same classes,
so the two surfaces can never disagree about limits or messages.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FloatField,
    Form,
    FormField,
    HiddenField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.complaints.filing import ComplaintDraft
from portal.domain import Allegation, PartyMembership
from portal.http.forms import free_text
from portal.http.sanitise import clean_line, clean_text
from portal.labels import PARTY_LABELS
from portal.privacy.sealing import Contact

TITLE_MIN, TITLE_MAX = 4, 100
BODY_MIN, BODY_MAX = 10, 5000

# Mainland mobile (optionally +86), or a landline with area code and optional extension.
PHONE_RE = re.compile(r"^(?:\+?86[ -]?)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")
# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the citizen's business.
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


def compact_phone(value: object) -> object:
    return value.replace(" ", "") if isinstance(value, str) else value


class LocalisedFloatField(FloatField):
    """A float field whose parse error is ours, so it is translated like every other message."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            self.data = float(valuelist[0])
        except (TypeError, ValueError):
            self.data = None
            raise ValueError(_l("Enter a number.")) from None


class ContactForm(Form):
    name = StringField(
        _l("Your name"),
        filters=[clean_line],
        validators=[Optional(), Length(max=100, message=_l("At most %(max)d characters."))],
    )
    # Stored without spaces, in the form it was validated in (and so within 40 characters: the plain column the
    # contact-encryption migration's downgrade opens the sealed details into is that wide).
    phone = StringField(_l("Phone"), filters=[clean_line, compact_phone], validators=[Optional()])
    email = StringField(_l("E-mail"), filters=[clean_line], validators=[Optional()])

    def validate_phone(self, field: Field) -> None:
        if field.data and (len(field.data) > 40 or not PHONE_RE.match(field.data)):
            raise ValidationError(_l("Enter a mainland mobile number or a landline with its area code."))

    def validate_email(self, field: Field) -> None:
        if field.data and (len(field.data) > 254 or not EMAIL_RE.match(field.data)):
            raise ValidationError(_l("Enter a valid e-mail address."))


class MisconductForm(Form):
    alleged = BooleanField(_l("This complaint accuses an official of misconduct"))
    accused_name = StringField(
        _l("Name or post of the official"),
        filters=[clean_line],
        validators=[Optional(), Length(max=100, message=_l("At most %(max)d characters."))],
    )
    accused_unit = StringField(
        _l("Their unit or department"),
        filters=[clean_line],
        validators=[Optional(), Length(max=200, message=_l("At most %(max)d characters."))],
    )
    party_member = SelectField(
        _l("Is the official a Party member?"),
        choices=[SelectChoice(member.value, label) for member, label in PARTY_LABELS.items()],
        default=PartyMembership.UNKNOWN.value,
        validate_choice=False,  # checked below with a translated message
    )

    def validate_party_member(self, field: Field) -> None:
        if field.data not in {member.value for member in PartyMembership}:
            raise ValidationError(_l("Choose yes, no or unknown."))

    # On the page, names typed without the box ticked are a question, not a withdrawal (the API's
    # ``"alleged": false`` is explicit, so it sets this to False).
    names_need_the_box = True

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        named = bool(self.accused_unit.data or self.accused_name.data)
        if self.alleged.data and not named:
            self.accused_unit.errors.append(
                _l("Say who is accused: their unit, their name or post, or both.")
            )
            return False
        if named and not self.alleged.data and self.names_need_the_box:
            self.alleged.errors.append(
                _l(
                    "You named an official but did not tick this box. Tick it to report misconduct, "
                    "or clear the name and unit."
                )
            )
            return False
        return valid


class ComplaintForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[clean_line],
        validators=[
            InputRequired(message=_l("This field is required.")),
            Length(
                min=TITLE_MIN,
                max=TITLE_MAX,
                message=_l("Between %(min)d and %(max)d characters."),
            ),
        ],
    )
    body = TextAreaField(
        _l("What happened"),
        filters=[clean_text],
        validators=[
            InputRequired(message=_l("This field is required.")),
            Length(min=BODY_MIN, max=BODY_MAX, message=_l("Between %(min)d and %(max)d characters.")),
        ],
    )
    division = SelectField(
        _l("Where"),
        validators=[InputRequired(message=_l("Choose the district or county."))],
        validate_choice=False,  # checked against the database with a translated message
    )
    address = StringField(
        _l("Address or landmark"),
        filters=[clean_line],
        validators=[Optional(), Length(max=200, message=_l("At most %(max)d characters."))],
    )
    lat = LocalisedFloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(min=-90, max=90, message=_l("Between %(min)s and %(max)s."))],
    )
    lon = LocalisedFloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(min=-180, max=180, message=_l("Between %(min)s and %(max)s."))],
    )
    anonymous = BooleanField(_l("File anonymously (no contact details are stored)"))
    contact = FormField(ContactForm)
    notify = BooleanField(_l("E-mail me each time something happens (needs your e-mail address)"))
    misconduct = FormField(MisconductForm)
    # Never shown: people leave it empty, form-filling bots do not (portal.complaints.antispam).
    website = StringField(_l("Leave this field empty"), filters=[clean_line])
    # The proof of work, when INTAKE_POW_BITS asks for one: the signed challenge and the nonce the page found.
    pow_challenge = HiddenField()
    pow_nonce = HiddenField()
    # Checked by portal.evidence.photos (type from the bytes, size, bombs), not by WTForms.
    evidence = MultipleFileField(_l("Photos (optional, up to 5: JPEG, PNG or WebP, 10 MB each)"))

    def __init__(
        self,
        *args: Any,
        division_choices: list[tuple[str, str]],
        explicit_allegation: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.misconduct.form.names_need_the_box = not explicit_allegation
        # A blank first option: the citizen must pick the place, not inherit the province by default.
        self.division.choices = [
            SelectChoice("", _l("Choose the district or county")),
            *(SelectChoice(code, label) for code, label in division_choices),
        ]
        self._division_codes = {code for code, _label in division_choices}

    def validate_division(self, field: Field) -> None:
        if field.data not in self._division_codes:
            raise ValidationError(_l("Unknown district or county."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # A form-level rule: Optional() stops the field chains when one coordinate is empty.
        if (self.lat.data is None) != (self.lon.data is None) and not (self.lat.errors or self.lon.errors):
            missing = self.lon if self.lon.data is None else self.lat
            missing.errors.append(_l("Give both latitude and longitude, or neither."))
            return False
        if self.notify.data and self.anonymous.data:
            self.notify.errors.append(
                _l("Anonymous complaints get no mail: follow them on their page or with its feed instead.")
            )
            return False
        if self.notify.data and not self.contact.form.email.data and not self.contact.form.email.errors:
            self.notify.errors.append(_l("Give your e-mail address to be notified."))
            return False
        return valid


def draft_from_form(form: ComplaintForm, language: str) -> ComplaintDraft:
    """The validated form's content as plain values for the intake service."""
    contact = form.contact.form
    misconduct = form.misconduct.form
    allegation = None
    if misconduct.alleged.data:
        allegation = Allegation(
            accused_name=misconduct.accused_name.data or None,
            accused_unit=misconduct.accused_unit.data or None,
            party_member=PartyMembership(misconduct.party_member.data or "unknown"),
        )
    return ComplaintDraft(
        title=form.title.data,
        body=form.body.data,
        division_code=form.division.data,
        language=language,
        address=form.address.data or None,
        latitude=form.lat.data,
        longitude=form.lon.data,
        anonymous=bool(form.anonymous.data),
        notify=bool(form.notify.data) and not form.anonymous.data,
        contact=Contact(contact.name.data or None, contact.phone.data or None, contact.email.data or None),
        allegation=allegation,
    )


class FollowUpForm(FlaskForm):
    secret = StringField(
        _l("Follow-up secret from your receipt"),
        validators=[InputRequired(message=_l("This field is required."))],
    )
    text = free_text(_l("What you want to add"), maximum=5000)
    contest = BooleanField(_l("The problem is not solved: I contest the resolution"))

"""Form fields used across the desks, with their validation messages translated once."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.http.sanitise import clean_text


def free_text(label: LazyString, *, maximum: int, minimum: int = 2, required: bool = True) -> TextAreaField:
    """A multi-line text field, cleaned of markup: required with a length range, or optional with a maximum."""
    if required:
        validators = [
            InputRequired(message=_l("This field is required.")),
            Length(min=minimum, max=maximum, message=_l("Between %(min)d and %(max)d characters.")),
        ]
    else:
        validators = [Optional(), Length(max=maximum, message=_l("At most %(max)d characters."))]
    return TextAreaField(label, filters=[clean_text], validators=validators)

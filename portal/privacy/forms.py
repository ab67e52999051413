"""The forms of contact reveals: a staff member's reason, and the citizen's secret."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField
from wtforms.validators import InputRequired

from portal.http.forms import free_text
from portal.privacy.reveals import REASON_MAX

# Prefixes keep these fields apart from the forms they sit beside (the triage desk has a reason of its own, the
# status page a secret of its own).
REVEAL_PREFIX = "contact"
HISTORY_PREFIX = "reveals"


class RevealForm(FlaskForm):
    # Optional here: an empty reason is refused by the reveal itself (ReasonRequired), the same on every surface.
    reason = free_text(_l("Why you need the contact details"), maximum=REASON_MAX, required=False)
    back = HiddenField()


class RevealHistoryForm(FlaskForm):
    secret = PasswordField(
        _l("Follow-up secret from your receipt"),
        validators=[InputRequired(message=_l("This field is required."))],
    )


def reveal_form() -> RevealForm:
    """An empty reveal form for a staff page (a template global)."""
    return RevealForm(formdata=None, prefix=REVEAL_PREFIX)


def history_form() -> RevealHistoryForm:
    """An empty form for the status page (a template global)."""
    return RevealHistoryForm(formdata=None, prefix=HISTORY_PREFIX)

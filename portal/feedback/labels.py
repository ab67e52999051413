"""How the follow-up visit's answers read to people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.feedback.rules import Fixed, Satisfaction

FIXED_LABELS = {Fixed.YES: _l("Fixed"), Fixed.PARTLY: _l("Partly fixed"), Fixed.NO: _l("Not fixed")}
SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: _l("Satisfied"),
    Satisfaction.BASICALLY_SATISFIED: _l("Basically satisfied"),
    Satisfaction.UNSATISFIED: _l("Unsatisfied"),
}

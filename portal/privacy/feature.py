"""Privacy: contact details sealed at rest and revealed to staff only with a logged reason (the citizen sees
when and by which role), and the staff page that hides names of private persons from every public view."""

from flask_login import current_user

from portal.features import Feature
from portal.models import Complaint
from portal.privacy import reveals
from portal.privacy.api import API_DOCS, privacy_api
from portal.privacy.cli import contacts_cli
from portal.privacy.forms import history_form, reveal_form
from portal.privacy.pages import privacy_desk, privacy_public


def _may_reveal_contact(complaint: Complaint) -> bool:
    return current_user.is_authenticated and reveals.may_reveal(current_user, complaint)


FEATURE = Feature(
    name="privacy",
    pages=(privacy_desk, privacy_public),
    apis=(privacy_api,),
    commands=(contacts_cli,),
    api_docs=API_DOCS,
    template_globals={
        "may_reveal_contact": _may_reveal_contact,
        "contact_reveal_form": reveal_form,
        "contact_history_form": history_form,
    },
)

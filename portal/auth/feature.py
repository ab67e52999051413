"""Staff accounts: sign-in and the staff home, API tokens, ``flask users``."""

from portal.auth.api import API_DOCS, auth_api
from portal.auth.cli import users_cli
from portal.auth.pages import staff_bp
from portal.features import Feature

FEATURE = Feature(name="auth", pages=(staff_bp,), apis=(auth_api,), commands=(users_cli,), api_docs=API_DOCS)

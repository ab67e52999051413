"""Rate limits shared by the web pages and the API, so switching surface does not reset a client's count.

Each is counted per client address, except the sign-in limit per account, which counts guesses at one account
whatever address they come from.
"""

from __future__ import annotations

from flask import current_app, request

from portal.extensions import limiter


def _account_key() -> str:
    """The account a sign-in names (form field or JSON member ``username``), as the limit counts it."""
    body = request.get_json(silent=True) if request.is_json else None
    username = body.get("username") if isinstance(body, dict) else request.form.get("username")
    name = username.strip().lower() if isinstance(username, str) else ""
    return f"account:{name[:64]}"


intake_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_INTAKE"], scope="intake", methods=["POST"]
)
lookup_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_LOOKUP"], scope="lookup")
read_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_READ"], scope="read")
login_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_LOGIN"], scope="login", methods=["POST"]
)
login_account_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_LOGIN_ACCOUNT"],
    scope="login-account",
    methods=["POST"],
    key_func=_account_key,
)

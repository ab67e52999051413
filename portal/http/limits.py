"""Rate limits shared by the web pages and the API, so switching surface does not reset a client's count.

Each is counted per client address, except the sign-in limit per account, which counts guesses at one account
whatever address they come from.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request
from flask_limiter import RequestLimit, RouteLimit

from portal.extensions import limiter


def _account_key() -> str:
    """The account a sign-in names (form field or JSON member ``username``), as the limit counts it."""
    body = request.get_json(silent=True) if request.is_json else None
    username = body.get("username") if isinstance(body, dict) else request.form.get("username")
    name = username.strip().lower() if isinstance(username, str) else ""
    return f"account:{name[:64]}"


def _succeeded(response: Response) -> bool:
    # Filed (the API's 201) or filed and redirected to the receipt or the status page (the form's 303); a
    # retry answered from its Idempotency-Key copy filed nothing.
    return response.status_code in (201, 303) and "Idempotent-Replayed" not in response.headers


def _is_a_replay() -> bool:
    # Late import: the limits are declared before the features that own the copies.
    from portal.complaints.receipt_copies import has_live_answer

    return has_live_answer(request.headers.get("Idempotency-Key"))


def intake_limit_answering(on_breach: Callable[[RequestLimit], Response | None] | None = None) -> RouteLimit:
    """The filing limit, counted across page and API: only filings that went through count against it, so a
    citizen who mistyped a field is not locked out. A page passes ``on_breach`` to answer with its own form."""
    return limiter.shared_limit(
        lambda: current_app.config["RATELIMIT_INTAKE"],
        scope="intake",
        methods=["POST"],
        deduct_when=_succeeded,
        exempt_when=_is_a_replay,
        on_breach=on_breach,
    )


intake_limit = intake_limit_answering()
# Every POST to a filing or follow-up address, successful or not: what bounds a client that only sends junk.
attempt_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_ATTEMPTS"], scope="attempts", methods=["POST"]
)
# Additions and contests to one's own complaint: a limit of their own, so following up never uses up filing.
follow_up_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_FOLLOW_UP"],
    scope="follow-up",
    methods=["POST"],
    deduct_when=_succeeded,
)
# "Me too": page and API count together.
support_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_SUPPORT"], scope="support", methods=["POST"]
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

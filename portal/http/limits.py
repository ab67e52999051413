"""Rate limits shared by the web pages and the API, so switching surface does not reset a client's count."""

from __future__ import annotations

from flask import current_app

from portal.extensions import limiter

intake_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_INTAKE"], scope="intake", methods=["POST"]
)
lookup_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_LOOKUP"], scope="lookup")
login_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_LOGIN"], scope="login", methods=["POST"]
)

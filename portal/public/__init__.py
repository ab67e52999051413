"""Pages for citizens and the public: file a complaint, the receipt, and the status page."""

from __future__ import annotations

from flask import Blueprint

public_bp = Blueprint("public", __name__)

from portal.public import views  # noqa: E402,F401  - routes register on public_bp

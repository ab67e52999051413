"""The site's icon at the address every browser asks for (``/favicon.ico``), so no page load ends in a 404."""

from __future__ import annotations

from flask import Blueprint, current_app
from werkzeug.wrappers import Response

icons = Blueprint("icons", __name__)


@icons.get("/favicon.ico")
def favicon() -> Response:
    response = current_app.send_static_file("favicon.ico")
    response.cache_control.max_age = 7 * 86400
    response.cache_control.public = True
    return response

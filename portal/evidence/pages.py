"""Photos on the web: published copies for everyone, originals (which keep their metadata) for authorised staff."""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.evidence import photos
from portal.evidence.models import Photo
from portal.extensions import db
from portal.http.pages import make_staff_blueprint

evidence_pages = Blueprint("evidence", __name__)
evidence_staff = make_staff_blueprint("evidence_staff", __name__)


@evidence_pages.get("/evidence/<name>")
def public_copy(name: str) -> Response:
    """A published, metadata-free copy of a photo. Unpublished photos do not exist as far as the public knows."""
    photo = photos.published_photo(name)
    if photo is None:
        abort(404)
    response = send_file(photos.public_path(photo), mimetype=photo.mime, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@evidence_staff.get("/evidence/<id:photo_id>")
def original_photo(photo_id: int) -> Response:
    photo = db.session.get(Photo, photo_id)
    if photo is None or not photos.may_see_originals(current_user, photo.complaint):
        abort(404)
    response = send_file(photos.original_path(photo), mimetype=photo.mime)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

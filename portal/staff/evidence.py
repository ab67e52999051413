"""Staff access to original photos, which keep their metadata and are never public."""

from __future__ import annotations

from flask import abort, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import photos
from portal.extensions import db
from portal.models import Photo
from portal.staff import staff_bp


@staff_bp.get("/evidence/<id:photo_id>")
def original_photo(photo_id: int) -> Response:
    photo = db.session.get(Photo, photo_id)
    if photo is None or not photos.may_see_originals(current_user, photo.complaint):
        abort(404)
    response = send_file(photos.original_path(photo), mimetype=photo.mime)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

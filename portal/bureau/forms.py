"""The bureau officer's reply form; the API validates JSON with the same class."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField

from portal.http.forms import free_text


class ReplyForm(FlaskForm):
    text = free_text(_l("Reply to the citizen (published)"), maximum=5000)
    # Checked by portal.evidence.photos like the citizen's (type from the bytes, size, bombs), not by WTForms.
    photos = MultipleFileField(
        _l("Photos of the fix (optional, up to 5): their place, time and originality are checked in public")
    )
    resolve = BooleanField(_l("The problem is solved: mark the complaint resolved"))
    # Set after the preview warned that the reply looks like a form letter or passes the matter on.
    publish_anyway = BooleanField(_l("Publish it as it is: the assessment will be shown beside it"))

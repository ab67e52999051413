"""Sign-in, sign-out and the staff home page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired

from portal.auth.access import public
from portal.auth.accounts import authenticate
from portal.http.limits import login_account_limit, login_limit
from portal.http.pages import make_staff_blueprint
from portal.unit_of_work import commit

staff_bp = make_staff_blueprint("staff", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[InputRequired(message=_l("This field is required."))])
    password = PasswordField(
        _l("Password"), validators=[InputRequired(message=_l("This field is required."))]
    )


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect on a login page is a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("staff.home")


@staff_bp.route("/login", methods=["GET", "POST"])
@public
@login_limit
@login_account_limit
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            # A fresh session: nothing of the anonymous one (its CSRF token above all) carries over.
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong username or password."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200


@staff_bp.post("/logout")
def logout() -> Response:
    current_user.end_sessions()
    commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("staff.login"))


@staff_bp.get("/")
def home() -> str:
    return render_template("auth/home.html")

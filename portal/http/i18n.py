"""Language selection: Chinese by default, English on request.

Order: an explicit ``?lang=`` (remembered in a cookie by the language switch), the cookie, the browser's
Accept-Language, then Chinese.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_babel import get_locale

LANG_COOKIE = "lang"


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    languages = supported_languages()
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return candidate
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def _remember_language(response: Response) -> Response:
    chosen = request.args.get("lang")
    if chosen in supported_languages() and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_remember_language)
    app.jinja_env.globals["current_language"] = current_language

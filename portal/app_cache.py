"""Values built once per app, on first use, and kept in that app's ``extensions`` (never in a module global,
so two apps in one process keep their own)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from flask import current_app

T = TypeVar("T")


def per_app(name: str, build: Callable[[], T]) -> T:
    """The current app's ``name``, built by ``build`` the first time it is asked for."""
    extensions = current_app.extensions
    key = f"fire_alarm.{name}"
    if key not in extensions:
        extensions[key] = build()
    return cast(T, extensions[key])

"""Triage: the classifier that routes complaints, and the desk where staff handle what it is unsure about.

``triage.engine`` is pure (no Flask); the rest wires it into the app through :func:`init_app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from triage import models  # noqa: F401 - registers the triage tables

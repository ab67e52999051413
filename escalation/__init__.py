"""Escalation: misconduct cases with oversight bodies, deadlines, the sweep, and the public accountability record.

``escalation.rules`` is pure; Flask is imported only when the app wires us in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Wire this package into the app (filled in as the feature is built)."""

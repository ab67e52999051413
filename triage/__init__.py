"""Feature package: registered by portal.app.create_app through init_app."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire this package into the app (filled in as the feature is built)."""

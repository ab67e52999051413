"""Fire Alarm's application shell.

The factory is :func:`portal.app.create_app`; this package module imports nothing so that pure submodules
(``portal.categories``, ``portal.record``, ``portal.privacy.redaction``, ``portal.evidence``) stay free of Flask.
"""

"""The one module-level application, for gunicorn (`gunicorn wsgi:app`) and the Flask CLI (`flask --app wsgi`).

Logging is set up here, by the process, not by the factory: ``LOG_FORMAT`` (json or text) and ``LOG_LEVEL``.
"""

from portal.app import create_app
from portal.ops.logs import configure_logging

app = create_app()
configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])

"""The one module-level application, for gunicorn (`gunicorn wsgi:app`) and the Flask CLI (`flask --app wsgi`)."""

from portal.app import create_app

app = create_app()

"""The WSGI entry point for gunicorn and `flask run`."""

from helpdesk import create_app

app = create_app()

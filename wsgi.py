"""The WSGI entry point for gunicorn and `flask run`.

Once the app is built, everything it made at start (modules, the ORM's mappings, compiled
templates' code) is moved out of the garbage collector's sight (`gc.freeze`): a full
collection then scans only what requests left behind. Without it, a worker paused about
100 ms every 200 inbox pages (the benchmark's p99), 6 ms with it (issue 25)."""

import gc

from helpdesk import create_app

app = create_app()
gc.freeze()

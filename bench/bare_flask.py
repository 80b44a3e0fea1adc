"""The framework's own floor, for bench/run: a minimal Flask app with none of the
helpdesk's middleware (no session, CSP nonce, limits, locale or login), rendering the
same trivial template as the app's /_bench/template. bench/run serves it under the same
gunicorn settings in the same run and prints it beside the pages, so the cost of the
framework and of our middleware is visible next to what the pages add."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parents[1] / "templates"))


@app.get("/")
def template() -> str:
    return render_template("bench/trivial.html", title="Baseline")


@app.get("/healthz")
def healthz() -> str:
    return "ok"

"""Flask-Migrate, loaded only when it is used.

Flask-Migrate brings Alembic and Mako, about 11 MB in every process that imports them, and
only `flask db ...` needs them. So the app gets a `db` command group that loads Flask-Migrate
when the group is first looked into, and web workers never load it. Code that imports
Flask-Migrate itself before creating the app (the tests call `flask_migrate.upgrade()`)
gets it bound at once.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click
from flask import Flask

from helpdesk.extensions import db
from helpdesk.models.base import render_item_for_alembic

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def bind_migrate(app: Flask) -> None:
    """Set up Flask-Migrate on `app` (once); this adds its real `db` command group."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(
        app,
        db,
        directory=os.path.join(PROJECT_ROOT, "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_item_for_alembic,
    )


class _LazyDbGroup(click.Group):
    def __init__(self, app: Flask):
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")
        self.app = app

    def _real(self) -> click.Group:
        bind_migrate(self.app)
        from flask_migrate.cli import db as real

        return real

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # Hand the whole invocation to the real group (its options, its callback).
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> Any:
        return self._real().get_command(ctx, name)


def init_migrations(app: Flask) -> None:
    if "flask_migrate" in sys.modules:
        bind_migrate(app)
    else:
        app.cli.add_command(_LazyDbGroup(app))

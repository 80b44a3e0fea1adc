"""`flask helpdesk ...`: create-user and demo."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from helpdesk.auth import service as auth_service
from helpdesk.errors import ValidationError
from helpdesk.models import ROLES


@click.group("helpdesk")
def helpdesk_cli() -> None:
    """Helpdesk administration commands."""


@helpdesk_cli.command("create-user")
@click.option("--email", required=True, help="The staff member's email (their login).")
@click.option("--name", required=True, help="Their full name.")
@click.option("--role", required=True, help=f"One of: {', '.join(ROLES)}.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of prompting.",
)
@with_appcontext
def create_user(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account."""
    if role not in ROLES:
        raise click.UsageError(f"invalid role {role!r}: use one of {', '.join(ROLES)}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = auth_service.user_create(
            email=email, name=name, role=role, password=password, actor="cli"
        )
    except ValidationError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"Created {user.role} {user.email}.")


@helpdesk_cli.command("demo")
@with_appcontext
def demo() -> None:
    """Load demo users, customers and tickets (does nothing if they are already there)."""
    from helpdesk.demo import DEMO_PASSWORD, DEMO_USERS, demo_load

    created = demo_load()
    click.echo("Demo data loaded." if created else "Demo data already present; nothing added.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_USERS:
        click.echo(f"  {role:8} {email}")

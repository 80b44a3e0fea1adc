"""`flask helpdesk ...`: create-user, reset-2fa, demo, generate, and the scheduler and serve
processes."""

from __future__ import annotations

import sys

import click
from flask.cli import ScriptInfo, pass_script_info, with_appcontext

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


@helpdesk_cli.command("reset-2fa")
@click.argument("email")
@with_appcontext
def reset_two_factor(email: str) -> None:
    """Remove a staff member's second factor (for an admin locked out of their account:
    they log in with their password and set it up again if it is required)."""
    import sqlalchemy as sa

    from helpdesk.auth.two_factor import two_factor_reset
    from helpdesk.errors import DomainError
    from helpdesk.extensions import db
    from helpdesk.models import User

    try:
        normalised = auth_service.normalise_email(email)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    user = db.session.scalar(sa.select(User).where(User.email == normalised))
    if user is None:
        raise click.ClickException(f"no staff account has the address {normalised}")
    try:
        two_factor_reset(user=user, actor="cli")
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Two-factor sign-in of {user.email} is reset.")


@helpdesk_cli.command("demo")
@click.option(
    "--demo-port",
    type=click.IntRange(1, 65535),
    default=5001,
    show_default=True,
    help="The port of the demo shop (demo-site), allowed to embed the widget.",
)
@with_appcontext
def demo(demo_port: int) -> None:
    """Load demo users, customers and tickets (does nothing if they are already there)."""
    from helpdesk.dev.demo import DEMO_PASSWORD, DEMO_USERS, demo_load

    created = demo_load(demo_port=demo_port)
    click.echo("Demo data loaded." if created else "Demo data already present; nothing added.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_USERS:
        click.echo(f"  {role:8} {email}")


@helpdesk_cli.command("generate")
@click.option("--tickets", type=click.IntRange(1, 10_000_000), required=True)
@click.option("--messages-per-ticket", type=click.IntRange(1, 200), default=5, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--force", is_flag=True, help="Add to a database that also holds real data.")
@with_appcontext
def generate(tickets: int, messages_per_ticket: int, seed: int, force: bool) -> None:
    """Add realistic generated tickets, customers and messages (for benchmarks)."""
    import time

    from helpdesk.dev.generate import RealDataPresent
    from helpdesk.dev.generate import generate as run

    started = time.monotonic()
    with click.progressbar(length=tickets, label="Generating tickets") as bar:
        try:
            run(
                tickets=tickets,
                messages_per_ticket=messages_per_ticket,
                seed=seed,
                force=force,
                progress=bar.update,
            )
        except RealDataPresent as error:
            raise click.ClickException(
                f"{error}; refusing to mix generated data in (use --force to do it anyway)"
            ) from error
    click.echo(f"Generated {tickets} tickets in {time.monotonic() - started:.1f} s.")


@helpdesk_cli.command("nps-round")
@with_appcontext
def nps_round() -> None:
    """Start an NPS survey round now (the scheduler starts them on its own when due)."""
    from helpdesk.errors import DomainError
    from helpdesk.feedback.nps import nps_round_start

    try:
        started = nps_round_start(force=True, actor="cli")
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if started is not None:
        click.echo(f"Survey round started: {started.invited_count} customer(s) invited.")
        click.echo("Their links are on /feedback/nps (founders).")


@helpdesk_cli.command("scheduler")
@pass_script_info
def scheduler(info: ScriptInfo) -> None:
    """Run the scheduled jobs in this process until stopped (Ctrl+C or SIGTERM).

    Production runs one or more of these beside the web processes; every run is recorded,
    and staff pages warn when none has finished for two minutes.
    """
    from helpdesk.scheduling.jobs import JOBS
    from helpdesk.scheduling.scheduler import process_name, run_external

    app = info.load_app()
    click.echo(f"Scheduler {process_name()} running {len(JOBS)} job(s):")
    for job in JOBS:
        click.echo(f"  {job.name:24} every {job.seconds} s")
    click.echo("Stop with Ctrl+C (running jobs finish first).")
    run_external(app)
    click.echo("Scheduler stopped.")


@helpdesk_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@pass_script_info
def serve(info: ScriptInfo, host: str, port: int) -> None:
    """Serve the app with Werkzeug's threaded server (`make run`), embedding the scheduler
    when HELPDESK_SCHEDULER is `embedded`. Not for production: use gunicorn there."""
    from werkzeug.serving import run_simple

    from helpdesk.scheduling.scheduler import start_embedded

    app = info.load_app()
    mode = app.config["SCHEDULER"]
    if mode == "embedded":
        start_embedded(app)
        click.echo("Scheduler: embedded in this process.")
    else:
        click.echo(f"Scheduler: {mode} (HELPDESK_SCHEDULER); not started here.")
    run_simple(host, port, app, use_reloader=False, threaded=True)


@helpdesk_cli.command("demo-site")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5001, show_default=True)
@click.option(
    "--helpdesk-url",
    default=None,
    help="Where the helpdesk runs, for the script tag (default: HELPDESK_BASE_URL).",
)
@pass_script_info
def demo_site(info: ScriptInfo, host: str, port: int, helpdesk_url: str | None) -> None:
    """Serve a demo shop on another origin with the support widget embedded (the widget
    secret is read on each signed page, so `?signed=1` follows a rotation)."""
    from werkzeug.serving import run_simple

    from helpdesk.extensions import db
    from helpdesk.widget.demo_site import create_demo_site
    from helpdesk.widget.settings import widget_secret, widget_settings

    app = info.load_app()
    url = (helpdesk_url or app.config["BASE_URL"]).rstrip("/")

    def secret() -> str:
        with app.app_context():
            try:
                return widget_secret()
            finally:
                db.session.remove()

    try:
        site = create_demo_site(url, secret=secret)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--helpdesk-url") from error
    origin = f"http://{host}:{port}"
    with app.app_context():
        allowed = widget_settings().allowed_origins
        db.session.remove()
    click.echo(f"Demo shop running at {origin}/  (widget from {url}; stop with Ctrl+C)")
    if origin not in allowed:
        click.echo(
            f"Note: {origin} is not an allowed site yet; add it at {url}/settings/widget "
            "or the browser will refuse the widget's panel."
        )
    run_simple(host, port, site, use_reloader=False, threaded=True)

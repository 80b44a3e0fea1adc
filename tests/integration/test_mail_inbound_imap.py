"""The IMAP poll (`fetch_mail` job) against a real Dovecot started by the tests, run as an
unprivileged user on a free loopback port (skipped, with the reason, where Dovecot is not
installed: `apt-get install dovecot-imapd`). A small fake server checks the same contract
everywhere."""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from helpdesk.extensions import db
from helpdesk.mail import imap
from helpdesk.mail.imap import FetchReport, ImapSettings, imap_settings, mail_fetch
from helpdesk.models import Ticket
from helpdesk.scheduling import jobs
from tests.integration.mail_inbound_support import configure, load

PASSWORD = "imap-secret"
DOVECOT_CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
mail_location = maildir:{root}/home/%u/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
  user = {user}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {user}
}}
service auth-worker {{
  user = {user}
}}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def dovecot() -> Iterator[int]:
    """A Dovecot IMAP server on a free loopback port; any user name logs in with PASSWORD."""
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    # Dovecot refuses to run its login processes as root: as root, run it all as nobody.
    account = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.getuid())
    root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
    for sub in ("run", "state", "home"):
        (root / sub).mkdir()
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(
        DOVECOT_CONFIG.format(
            root=root,
            port=port,
            user=account.pw_name,
            group=grp.getgrgid(account.pw_gid).gr_name,
            uid=account.pw_uid,
            gid=account.pw_gid,
            password=PASSWORD,
        )
    )
    for path in [root, *root.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid)
    process = subprocess.Popen(  # noqa: S603 - a fixed local binary
        [binary, "-F", "-c", str(config)],
        user=account.pw_uid if os.geteuid() == 0 else None,
        group=account.pw_gid if os.geteuid() == 0 else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (root / "dovecot.log").read_text()
                        if (root / "dovecot.log").exists()
                        else ""
                    )
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    pytest.skip(f"Dovecot did not start unprivileged here: {stderr or log}")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
        shutil.rmtree(root, ignore_errors=True)


class Mailbox:
    """A test's own IMAP account (a fresh user name, so a fresh Maildir)."""

    def __init__(self, port: int, user: str) -> None:
        self.port, self.user = port, user

    def _client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, PASSWORD)
        return client

    def url(self, query: str = "") -> str:
        return f"imap://{self.user}:{PASSWORD}@127.0.0.1:{self.port}/INBOX{query}"

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self._client()
        try:
            client.create(f'"{folder}"')
            for raw in messages:
                assert client.append(f'"{folder}"', "", None, raw)[0] == "OK"  # type: ignore[arg-type]
        finally:
            client.logout()

    def count(self, criterion: str = "UNSEEN", folder: str = "INBOX") -> int:
        client = self._client()
        try:
            client.select(f'"{folder}"')
            _typ, data = client.uid("SEARCH", criterion)
            return len(data[0].split())
        finally:
            client.logout()


_users = iter(range(1, 10_000))


@pytest.fixture
def mailbox(app: Flask, tmp_path: Path, dovecot: int) -> Mailbox:
    configure(app, tmp_path)
    box = Mailbox(dovecot, f"helpdesk{next(_users)}-{os.getpid()}")
    app.config["IMAP_URL"] = box.url()
    return box


def _tickets() -> int:
    return db.session.scalar(sa.select(sa.func.count(Ticket.id))) or 0


def test_new_mail_becomes_tickets_and_is_marked_seen(app: Flask, mailbox: Mailbox) -> None:
    mailbox.deliver(load("gmail_new_id.eml"), load("no_sender.eml"), load("gmail_new_bn.eml"))
    with app.app_context():
        assert mail_fetch() == FetchReport(handled=3, failed=0)
        assert _tickets() == 2
    assert mailbox.count("UNSEEN") == 0 and mailbox.count("SEEN") == 3
    with app.app_context():
        assert mail_fetch() == FetchReport()  # nothing new


def test_a_failure_leaves_the_message_unseen_for_the_next_run(
    app: Flask, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox.deliver(load("gmail_new_id.eml"))

    def broken(raw: bytes) -> Any:
        raise RuntimeError("database down")

    monkeypatch.setattr(imap, "mail_receive", broken)
    with app.app_context():
        assert mail_fetch() == FetchReport(handled=0, failed=1)
    assert mailbox.count("UNSEEN") == 1
    monkeypatch.undo()
    app.config["IMAP_URL"] = mailbox.url()
    with app.app_context():
        assert mail_fetch() == FetchReport(handled=1, failed=0)
        assert _tickets() == 1


def test_handled_mail_can_be_moved_to_a_folder(app: Flask, mailbox: Mailbox) -> None:
    mailbox.deliver(folder="Processed")
    mailbox.deliver(load("gmail_new_id.eml"), load("gmail_new_id.eml"))  # delivered twice
    app.config["IMAP_URL"] = mailbox.url("?processed=Processed")
    with app.app_context():
        jobs.fetch_mail()
        assert _tickets() == 1  # the second copy is a duplicate
    assert mailbox.count("ALL") == 0
    assert mailbox.count("ALL", folder="Processed") == 2


# Without a server


class FakeImap(imaplib.IMAP4):
    """Just enough of IMAP4 for `mail_fetch`, recording what it was told."""

    def __init__(self, messages: dict[str, bytes]) -> None:  # no socket
        self.messages = messages
        self.seen: list[str] = []
        self.calls: list[str] = []

    def login(self, user: str, password: str) -> tuple[str, list[bytes]]:
        self.calls.append(f"login {user}")
        return "OK", [b"ok"]

    def select(self, mailbox: str = "INBOX", readonly: bool = False) -> tuple[str, list[bytes]]:
        self.calls.append(f"select {mailbox}")
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command: str, *args: Any) -> tuple[str, list[Any]]:
        if command == "SEARCH":
            unseen = [uid for uid in self.messages if uid not in self.seen]
            return "OK", [" ".join(unseen).encode()]
        if command == "FETCH":
            assert args[1] == "(BODY.PEEK[])"
            return "OK", [
                (f"{args[0]} (UID {args[0]} BODY[] {{1}}".encode(), self.messages[args[0]]),
                b")",
            ]
        if command == "STORE":
            self.seen.append(args[0])
            return "OK", [b""]
        raise AssertionError(command)

    def logout(self) -> tuple[str, list[bytes]]:
        self.calls.append("logout")
        return "BYE", [b""]


def test_the_poll_against_a_fake_server(app: Flask, tmp_path: Path) -> None:
    configure(app, tmp_path)
    app.config["IMAP_URL"] = "imaps://support%40example.com:p%2Fw@imap.example.com/Support%20Mail"
    fake = FakeImap({"7": load("gmail_new_bn.eml"), "8": load("outlook_new_en.eml")})
    connected: list[ImapSettings] = []

    def connect(settings: ImapSettings) -> imaplib.IMAP4:
        connected.append(settings)
        return fake

    with app.app_context():
        assert mail_fetch(connect) == FetchReport(handled=2)
        assert _tickets() == 2
    assert fake.seen == ["7", "8"]
    assert fake.calls == ["login support@example.com", 'select "Support Mail"', "logout"]
    assert connected[0].password == "p/w" and connected[0].tls and connected[0].port == 993


def test_the_job_does_nothing_without_a_mailbox(app: Flask) -> None:
    def connect(settings: ImapSettings) -> imaplib.IMAP4:
        raise AssertionError("no connection expected")

    with app.app_context():
        assert app.config["IMAP_URL"] == ""
        assert mail_fetch(connect) == FetchReport()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("imap://u:p@localhost:1430/INBOX?starttls=1", ("localhost", 1430, False, True, "INBOX")),
        ("imaps://u:p@mail.example.com", ("mail.example.com", 993, True, False, "INBOX")),
        ("imap://u:p@h/Support", ("h", 143, False, False, "Support")),
    ],
)
def test_mailbox_urls(url: str, expected: tuple[object, ...]) -> None:
    settings = imap_settings(url)
    assert (settings.host, settings.port, settings.tls, settings.starttls, settings.mailbox) == (
        expected
    )


@pytest.mark.parametrize("url", ["pop3://u:p@h/", "imaps:///INBOX", "not a url"])
def test_bad_mailbox_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        imap_settings(url)

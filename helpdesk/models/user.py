"""Staff accounts: agents, founders and admins, with the session version that lets logout,
password change and deactivation end every session of a user."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from helpdesk.clock import now
from helpdesk.models.base import Base, str_enum

if TYPE_CHECKING:
    from helpdesk.models.ticket import Ticket

# A HEARD phrase's register (voice) per language; an agent picks one per language on their
# account page (`User.phrase_voice`) and the panel offers that register's phrases plus the
# register-free ones. th: ผม…ครับ (khrap) or ดิฉัน…ค่ะ (kha); id: Anda, Bapak/Ibu (formal) or
# "Kak" (friendly, still no "kamu"); bn: আপনি in both, formal or warmer wording (friendly).
PHRASE_REGISTERS: dict[str, tuple[str, ...]] = {
    "th": ("kha", "khrap"),
    "id": ("formal", "friendly"),
    "bn": ("formal", "friendly"),
}
DEFAULT_REGISTERS = {"th": "kha", "id": "formal", "bn": "formal"}
REGISTER_VALUES = ("kha", "khrap", "formal", "friendly")

ROLES = ("agent", "founder", "admin")
# What each role may do: an admin can do everything, a founder also sees founder pages,
# every staff member works tickets.
ROLE_GRANTS = {"agent": {"agent"}, "founder": {"agent", "founder"}, "admin": set(ROLES)}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(str_enum("role", *ROLES))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    language: Mapped[str | None] = mapped_column(sa.String(8))
    # The register the HEARD panel's phrases use, per customer language: {"th": "khrap"}.
    # Missing languages use DEFAULT_REGISTERS (helpdesk.models.saved_reply).
    phrase_voice: Mapped[dict[str, Any]] = mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    # Round-robin assignment: who takes new tickets, and whose turn is next.
    available: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    last_assigned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_login_at: Mapped[datetime | None]
    # Two-factor sign-in (helpdesk/auth/two_factor.py): the TOTP secret, encrypted with a
    # key derived from SECRET_KEY; when it was confirmed (None: no second factor); and the
    # last time step a code was accepted for, so one code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    assigned_tickets: Mapped[list[Ticket]] = relationship(back_populates="assignee")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # werkzeug default: scrypt

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    def can(self, role: str) -> bool:
        """Whether this user holds the rights of `role` (admin holds all)."""
        return role in ROLE_GRANTS[self.role]

    def phrase_register(self, language: str | None) -> str | None:
        """The register this agent writes phrases in for `language` (None: no choice)."""
        if language not in PHRASE_REGISTERS:
            return None
        chosen = (self.phrase_voice or {}).get(language)
        return chosen if chosen in PHRASE_REGISTERS[language] else DEFAULT_REGISTERS[language]

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    # Flask-Login protocol. The id carries the session version, so bumping the version
    # makes every cookie issued before it unusable.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class PasswordReset(Base):
    """A password reset link sent by email. Only the SHA-256 of its secret is kept; it
    works once, for an hour, and a login or a password change uses up every open one."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """One of a user's single-use two-factor recovery codes (only its SHA-256 is kept)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)
    used_at: Mapped[datetime | None]

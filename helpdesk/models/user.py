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

    assigned_tickets: Mapped[list[Ticket]] = relationship(back_populates="assignee")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # werkzeug default: scrypt

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

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

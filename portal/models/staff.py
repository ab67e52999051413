"""Staff accounts, their roles, and API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import Role
from portal.extensions import Model
from portal.models.jurisdiction import Bureau, OversightBody
from portal.models.types import UTCDateTime, str_enum, utcnow


def new_session_token() -> str:
    return secrets.token_hex(16)


class StaffUser(UserMixin, Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "staff_role"))
    oversight_body_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_bodies.id"))
    bureau_id: Mapped[int | None] = mapped_column(ForeignKey("bureaus.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of every session cookie of this account: changing it signs every saved cookie out (a cookie is only
    # signed, not stored, so logging out must make the old ones worthless rather than forget them).
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    oversight_body: Mapped[OversightBody | None] = relationship()
    bureau: Mapped[Bureau | None] = relationship()

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the account and its current session token."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Sign out every session of this account, wherever its cookie was saved."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of deactivated accounts
        return self.active

    @property
    def actor(self) -> str:
        return f"staff:{self.username}"

    def has_role(self, *roles: Role) -> bool:
        return self.role is Role.ADMIN or self.role in roles


class ApiToken(Model):
    """A bearer token for the staff API. Only its SHA-256 is stored: tokens are random, so a fast hash is enough."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[StaffUser] = relationship()

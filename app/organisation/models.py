"""Organisations (tenants: municipalities) and their users."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class Country(StrEnum):
    NL = "NL"
    DK = "DK"


class Locale(StrEnum):
    nl = "nl"
    en = "en"
    da = "da"


class Role(StrEnum):
    """What a user may do; a user can hold several."""

    employee = "employee"
    manager = "manager"
    case_handler = "case_handler"
    privacy_officer = "privacy_officer"
    legal = "legal"
    admin = "admin"
    auditor = "auditor"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=200)
    slug: str = Field(max_length=63, unique=True)
    country: str = Field(max_length=2)
    default_locale: str = Field(default=Locale.nl.value, max_length=5)
    legal_pack: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    # An address is unique within an organisation only: whether it is registered in another
    # organisation must not show when an admin adds a user (login resolves it; see app.auth).
    __table_args__ = (
        UniqueConstraint("organisation_id", "email", name="uq_user_account_organisation_email"),
        Index("ix_user_account_email", "email"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    locale: str | None = Field(default=None, max_length=5)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set when an admin resets the password: the user must choose a new one before anything else.
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # The user's manager, told when the user reports an incident.
    manager_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")

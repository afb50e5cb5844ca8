from __future__ import annotations

import re
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openorchestrator.providers.types import ProviderType

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _check_url(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("must start with http:// or https:// followed by a host")
    parts = urlsplit(value)
    if parts.username or parts.password:
        raise ValueError("must not contain a user name or password; put the key into api_key")
    if parts.query or parts.fragment:
        raise ValueError("must not contain ?query or #fragment")
    return value


def _clean_key(value: str | None) -> str | None:
    """Pasted keys often carry a space or line break at either end; inside, whitespace means a bad paste."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise ValueError("is empty")
    if any(ch.isspace() for ch in value):
        raise ValueError("contains spaces or line breaks; paste the key alone")
    if not value.isascii() or not value.isprintable():
        raise ValueError("contains characters no API key has (only letters, digits and signs); paste the key again")
    return value


class KeyValidationRequest(BaseModel):
    """A key to check: the provider type, the key, and where the provider is reached."""

    model_config = ConfigDict(extra="forbid")

    type: ProviderType
    api_key: str | None = Field(None, min_length=1, max_length=500)
    base_url: str | None = Field(None, max_length=500)

    @field_validator("api_key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        return _clean_key(value)

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return _check_url(value)


class CredentialCreate(KeyValidationRequest):
    """A key to check and keep, under a name that bots use in their `model`."""

    name: str | None = Field(None, description="Short unique slug; default: the type, e.g. `openai`.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not _NAME.match(value):
            raise ValueError("use 1–64 lower-case letters, digits, '-' or '_' (e.g. openai-work)")
        return value


class KeyCheckError(BaseModel):
    code: str
    message: str


class KeyValidationRead(BaseModel):
    valid: bool
    models: list[str]
    error: KeyCheckError | None


class CredentialRead(BaseModel):
    id: str
    type: ProviderType
    name: str
    base_url: str | None
    api_key_hint: str | None
    models: list[str]
    status: Literal["connected", "error"]
    error_message: str | None
    created_at: datetime

"""Provider credentials: create (after a key check), list, read, delete, and resolve a bot's model."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.core.clock import Clock
from openorchestrator.core.crypto import SecretBox, SecretError, hint
from openorchestrator.core.i18n import Language
from openorchestrator.core.ids import new_id
from openorchestrator.db.models import Bot, ProviderCredential
from openorchestrator.db.session import get_or_404
from openorchestrator.errors import Conflict, InvalidInput, ProviderRejected
from openorchestrator.providers.check import KeyCheck, check_key
from openorchestrator.providers.schemas import CredentialCreate, CredentialRead, KeyValidationRead
from openorchestrator.providers.types import (
    PROVIDERS,
    ModelTarget,
    ProviderFailure,
    ProviderType,
    split_model,
)


def purpose(credential_id: str) -> str:
    return f"credential:{credential_id}"


def require_setup(type_: ProviderType, base_url: str | None, api_key: str | None) -> None:
    """What a type needs before its key can be checked: a base URL, a key."""
    info = PROVIDERS[type_]
    if info.needs_base_url and not base_url:
        raise InvalidInput("base_url", f"is required for {info.display_name} (e.g. http://localhost:1234/v1)")
    if info.needs_key and not api_key:
        raise InvalidInput("api_key", f"is required for {info.display_name}")


async def validate_key(
    type_: ProviderType, api_key: str | None, base_url: str | None, language: Language
) -> KeyValidationRead:
    require_setup(type_, base_url, api_key)
    return to_read_check(await check_key(type_, api_key, base_url, language))


def to_read_check(check: KeyCheck) -> KeyValidationRead:
    error = None
    if check.error_code:
        error = {"code": check.error_code, "message": check.error_message or check.error_code}
    return KeyValidationRead.model_validate({"valid": check.valid, "models": check.models, "error": error})


async def create_credential(
    session: AsyncSession,
    box: SecretBox,
    clock: Clock,
    data: CredentialCreate,
    *,
    validate: bool,
    language: Language,
) -> ProviderCredential:
    require_setup(data.type, data.base_url, data.api_key)
    name = data.name or data.type.value
    if await session.scalar(select(ProviderCredential.id).where(ProviderCredential.name == name)):
        raise InvalidInput("name", f"a credential named {name!r} already exists; choose another name")
    models: list[str] = []
    if validate:
        check = await check_key(data.type, data.api_key, data.base_url, language)
        if not check.valid:
            raise ProviderRejected(check.error_message or "", code=check.error_code)
        models = check.models
    now = clock.now()
    credential = ProviderCredential(
        id=new_id(),
        type=data.type.value,
        name=name,
        base_url=data.base_url,
        api_key_hint=hint(data.api_key),
        models=models,
        status="connected",
        created_at=now,
        updated_at=now,
    )
    if data.api_key:
        credential.api_key_sealed = box.seal(data.api_key, purpose(credential.id))
    session.add(credential)
    return credential


async def recheck_credential(
    session: AsyncSession, box: SecretBox, clock: Clock, credential_id: str, language: Language
) -> ProviderCredential:
    """Check a stored credential's key again: refresh its models, and its status and message."""
    credential = await get_credential(session, credential_id)
    try:
        sealed = credential.api_key_sealed
        api_key = box.open(sealed, purpose(credential.id)) if sealed else None
    except SecretError as exc:
        credential.status, credential.error_message = "error", str(exc)
        return credential
    check = await check_key(ProviderType(credential.type), api_key, credential.base_url, language)
    if check.valid:
        credential.status, credential.error_message = "connected", None
        credential.models = check.models or credential.models
    else:
        credential.status, credential.error_message = "error", check.error_message
    credential.updated_at = clock.now()
    return credential


async def list_credentials(session: AsyncSession) -> list[ProviderCredential]:
    return list(await session.scalars(select(ProviderCredential).order_by(ProviderCredential.created_at)))


async def get_credential(session: AsyncSession, credential_id: str) -> ProviderCredential:
    return await get_or_404(session, ProviderCredential, credential_id, kind="credential")


async def delete_credential(session: AsyncSession, credential_id: str) -> None:
    credential = await get_credential(session, credential_id)
    prefix = f"{credential.name}:"
    users = [
        bot.name
        for bot in await session.scalars(select(Bot))
        if bot.model.startswith(prefix) or any(model.startswith(prefix) for model in bot.fallback_models or [])
    ]
    if users:
        raise Conflict(
            f"The credential {credential.name!r} is used by: {', '.join(users)}. Change their models first.",
            code="credential_in_use",
        )
    await session.delete(credential)


def to_read(credential: ProviderCredential) -> CredentialRead:
    return CredentialRead.model_validate(credential, from_attributes=True)


def offers_model(credential: ProviderCredential, model_name: str) -> bool:
    """Whether the credential's last key check listed the model (no list, e.g. saved unchecked: assume yes)."""
    if not credential.models:
        return True
    names = set(credential.models)
    return model_name in names or f"{model_name}:latest" in names  # Ollama: "llama3.1" is "llama3.1:latest"


def unknown_model_reason(credential: ProviderCredential, model_name: str) -> str:
    shown = ", ".join(credential.models[:8]) + (" …" if len(credential.models) > 8 else "")
    return f"{credential.name!r} does not offer the model {model_name!r} (it offers: {shown})"


def target_for(credential: ProviderCredential | None, box: SecretBox, model: str) -> ModelTarget:
    """The model a bot's `model` string names at its credential, with the key decrypted for the call.

    Raises `ProviderFailure("config_error")` with what to fix when the credential is missing or unusable.
    """
    try:
        credential_name, model_name = split_model(model)
    except ValueError as exc:
        raise ProviderFailure.config("config_bad_model", f"model {model!r}: {exc}", model=model) from None
    if credential is None or credential.name != credential_name:
        detail = f"no AI provider named {credential_name!r} is set up"
        raise ProviderFailure.config("config_no_credential", detail, name=credential_name)
    type_ = ProviderType(credential.type)
    if not PROVIDERS[type_].is_llm:
        detail = f"{credential.name!r} is a key for a tool, not an AI model"
        raise ProviderFailure.config("config_not_a_model", detail, name=credential.name)
    if not offers_model(credential, model_name):
        detail = unknown_model_reason(credential, model_name)
        raise ProviderFailure.config("config_model_not_offered", detail, name=credential.name, model=model_name)
    if credential.status == "error":  # a key found invalid, an account found empty: fix first, then check again
        detail = f"{credential.name}: {credential.error_message}"
        raise ProviderFailure.config(
            "config_credential_error", detail, name=credential.name, message=credential.error_message or ""
        )
    try:
        sealed = credential.api_key_sealed
        api_key = box.open(sealed, purpose(credential.id)) if sealed else None
    except SecretError as exc:
        raise ProviderFailure.config("config_secret", str(exc), name=credential.name) from None
    return ModelTarget(
        credential_id=credential.id,
        credential_name=credential.name,
        type=type_,
        model_name=model_name,
        api_key=api_key,
        base_url=credential.base_url,
        version=credential.updated_at.isoformat(),
    )

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
from openorchestrator.providers.credentials import purpose
from openorchestrator.providers.schemas import CredentialCreate, CredentialRead, KeyValidationRead
from openorchestrator.providers.types import (
    PROVIDERS,
    ProviderType,
)


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

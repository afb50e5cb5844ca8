from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.api_deps import LanguageDep, RuntimeDep, SessionDep
from openorchestrator.core.i18n import Language
from openorchestrator.db.session import after_commit
from openorchestrator.providers import service
from openorchestrator.providers.catalog import catalog
from openorchestrator.providers.schemas import (
    CredentialCreate,
    CredentialRead,
    KeyValidationRead,
    KeyValidationRequest,
)
from openorchestrator.runtime import Runtime

router = APIRouter(prefix="/api/providers", tags=["providers"])


def _forget_after_commit(session: AsyncSession, runtime: Runtime, credential_id: str) -> None:
    """The gateway caches a model per credential: forgotten once the change is committed, so a run that starts
    in between cannot cache the old key again."""
    after_commit(session, lambda: runtime.gateway_forget(credential_id))


@router.get("/catalog")
async def read_catalog(app_language: LanguageDep, language: Language | None = Query(None)) -> list[dict[str, Any]]:
    """Per provider type: what the setup wizard shows (steps with links, price hint, key format, models)."""
    return catalog(language or app_language)


@router.post("/validate")
async def validate_key(body: KeyValidationRequest, language: LanguageDep) -> KeyValidationRead:
    return await service.validate_key(body.type, body.api_key, body.base_url, language)


@router.post("", status_code=201)
async def create_credential(
    body: CredentialCreate, session: SessionDep, runtime: RuntimeDep, validate: bool = Query(True)
) -> CredentialRead:
    credential = await service.create_credential(
        session, runtime.box, runtime.clock, body, validate=validate, language=runtime.language
    )
    return service.to_read(credential)


@router.get("")
async def list_credentials(session: SessionDep) -> list[CredentialRead]:
    return [service.to_read(row) for row in await service.list_credentials(session)]


@router.get("/{credential_id}")
async def read_credential(credential_id: str, session: SessionDep) -> CredentialRead:
    return service.to_read(await service.get_credential(session, credential_id))


@router.post("/{credential_id}/check")
async def recheck_credential(credential_id: str, session: SessionDep, runtime: RuntimeDep) -> CredentialRead:
    """Check the stored key again (after topping up, say): refreshes models, status and error message."""
    credential = await service.recheck_credential(session, runtime.box, runtime.clock, credential_id, runtime.language)
    _forget_after_commit(session, runtime, credential_id)
    return service.to_read(credential)


@router.delete("/{credential_id}", status_code=204)
async def delete_credential(credential_id: str, session: SessionDep, runtime: RuntimeDep) -> Response:
    await service.delete_credential(session, credential_id)
    _forget_after_commit(session, runtime, credential_id)
    return Response(status_code=204)

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response

from openorchestrator.core.i18n import Language
from openorchestrator.providers import service
from openorchestrator.providers.catalog import catalog
from openorchestrator.providers.schemas import (
    CredentialCreate,
    CredentialRead,
    KeyValidationRead,
    KeyValidationRequest,
)
from openorchestrator.runtime import Runtime, runtime_of

router = APIRouter(prefix="/api/providers", tags=["providers"])


@router.get("/catalog")
async def read_catalog(request: Request, language: Language | None = Query(None)) -> list[dict[str, Any]]:
    """Per provider type: what the setup wizard shows (steps with links, price hint, key format, models)."""
    return catalog(language or runtime_of(request).language)


@router.post("/validate")
async def validate_key(body: KeyValidationRequest, request: Request) -> KeyValidationRead:
    svc = runtime_of(request)
    return await service.validate_key(body.type, body.api_key, body.base_url, svc.language)


@router.post("", status_code=201)
async def create_credential(body: CredentialCreate, request: Request, validate: bool = Query(True)) -> CredentialRead:
    svc: Runtime = runtime_of(request)
    async with svc.sessionmaker() as session:
        credential = await service.create_credential(
            session, svc.box, svc.clock, body, validate=validate, language=svc.language
        )
        await session.commit()
    return service.to_read(credential)


@router.get("")
async def list_credentials(request: Request) -> list[CredentialRead]:
    async with runtime_of(request).sessionmaker() as session:
        return [service.to_read(row) for row in await service.list_credentials(session)]


@router.get("/{credential_id}")
async def read_credential(credential_id: str, request: Request) -> CredentialRead:
    async with runtime_of(request).sessionmaker() as session:
        return service.to_read(await service.get_credential(session, credential_id))


@router.post("/{credential_id}/check")
async def recheck_credential(credential_id: str, request: Request) -> CredentialRead:
    """Check the stored key again (after topping up, say): refreshes models, status and error message."""
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        credential = await service.recheck_credential(session, svc.box, svc.clock, credential_id, svc.language)
        await session.commit()
    svc.gateway_forget(credential_id)
    return service.to_read(credential)


@router.delete("/{credential_id}", status_code=204)
async def delete_credential(credential_id: str, request: Request) -> Response:
    svc = runtime_of(request)
    async with svc.sessionmaker() as session:
        await service.delete_credential(session, credential_id)
        await session.commit()
    svc.gateway_forget(credential_id)
    return Response(status_code=204)

from __future__ import annotations

from fastapi import APIRouter, Request

from openorchestrator.runtime import runtime_of
from openorchestrator.settings.schemas import AppSettings, AppSettingsUpdate

router = APIRouter(prefix="/api/settings", tags=["settings"])


@router.get("")
async def read_settings(request: Request) -> AppSettings:
    return runtime_of(request).settings.current


@router.patch("")
async def update_settings(patch: AppSettingsUpdate, request: Request) -> AppSettings:
    return await runtime_of(request).settings.update(patch)

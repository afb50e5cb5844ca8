from __future__ import annotations

from fastapi import APIRouter

from openorchestrator.api_deps import SettingsDep
from openorchestrator.settings.schemas import AppSettings, AppSettingsUpdate

router = APIRouter(prefix="/api/settings", tags=["settings"])


@router.get("")
async def read_settings(settings: SettingsDep) -> AppSettings:
    return settings.current


@router.patch("")
async def update_settings(patch: AppSettingsUpdate, settings: SettingsDep) -> AppSettings:
    # The store saves through its own session (it is also used outside requests) and then tells its listeners.
    return await settings.update(patch)

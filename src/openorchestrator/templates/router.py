"""`GET /api/templates[/{template_id}]`: the ready-made bots, in the app's language unless asked otherwise."""

from __future__ import annotations

from fastapi import APIRouter, Query

from openorchestrator.api_deps import LanguageDep
from openorchestrator.core.i18n import Language
from openorchestrator.templates.catalog import get_template, list_templates
from openorchestrator.templates.schemas import TemplateRead

router = APIRouter(prefix="/api/templates", tags=["templates"])


@router.get("")
async def read_templates(app_language: LanguageDep, language: Language | None = Query(None)) -> list[TemplateRead]:
    """Every template, in `language` (default: the app's `language` setting)."""
    return list_templates(language or app_language)


@router.get("/{template_id}")
async def read_template(
    template_id: str, app_language: LanguageDep, language: Language | None = Query(None)
) -> TemplateRead:
    """One template; 404 `not_found` for an unknown id."""
    return get_template(template_id, language or app_language)

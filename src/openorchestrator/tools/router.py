"""`GET /api/tools`: the tools a bot may be given, what their model sees, and their limits."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from openorchestrator.tools import registry

router = APIRouter(prefix="/api", tags=["tools"])


class ToolFunctionRead(BaseModel):
    name: str
    description: str
    parameters: dict[str, Any]


class ToolRead(BaseModel):
    name: str
    description: str
    settings: dict[str, Any]
    functions: list[ToolFunctionRead]


@router.get("/tools")
async def list_tools() -> list[ToolRead]:
    """Every registered tool (built-in or plugin): its name for a bot's `tools`, and the functions it adds."""
    tools = [registry.get(name) for name in registry.names()]
    return [
        ToolRead(
            name=tool.name,
            description=tool.description,
            settings=tool.settings(),
            functions=[
                ToolFunctionRead(name=f.name, description=f.description, parameters=f.parameters)
                for f in tool.functions()
            ],
        )
        for tool in tools
    ]

"""Every third-party package the code imports is declared in pyproject.toml (so a clean install has it, and its
version is pinned with hashes in the lock files), not only present because something else pulls it in."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "openorchestrator"

# Provider SDKs come with the declared `pydantic-ai-slim[openai,anthropic,google,mistral]` extras, which pin
# them together with the pydantic-ai release that speaks to them (providers/llm.py, check.py, adapters.py).
VIA_EXTRAS = {"openai", "anthropic", "google-genai", "mistralai"}


def imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"openorchestrator", "__future__"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = (re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec) for spec in project["dependencies"])
    return {name.group(0).lower().replace("_", "-") for name in names if name}


def test_every_imported_package_is_declared() -> None:
    distributions = packages_distributions()
    missing = {}
    for module in sorted(imported_top_level_modules()):
        names = {name.lower().replace("_", "-") for name in distributions.get(module, [module])}
        if not names & (declared() | VIA_EXTRAS):
            missing[module] = sorted(names)
    assert not missing, f"imported but not declared in pyproject.toml [project.dependencies]: {missing}"

"""Fail when a Python module is over the size limit (STYLE.md: "modules rarely over 400 lines; split by meaning").

Usage: python scripts/check_module_size.py [--max 400] [PATH ...]   (default: src/openorchestrator)

Prints each module over the limit, longest first, as `path: N lines (limit M)`, and exits 1 if there is any;
prints nothing and exits 0 otherwise. Lines are physical lines, as an editor counts them. Alembic migrations
are left out: each is one generated step, read once and never edited.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = [ROOT / "src" / "openorchestrator"]
LIMIT = 400
SKIPPED = ("migrations/versions",)


def modules(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [module for module in found if not any(part in module.as_posix() for part in SKIPPED)]


def line_count(module: Path) -> int:
    with module.open("rb") as handle:
        return sum(1 for _ in handle)


def offenders(paths: list[Path], limit: int) -> list[tuple[Path, int]]:
    sizes = [(module, line_count(module)) for module in modules(paths)]
    return sorted(((module, lines) for module, lines in sizes if lines > limit), key=lambda item: -item[1])


def shown(module: Path) -> str:
    return str(module.relative_to(ROOT)) if module.is_relative_to(ROOT) else str(module)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=LIMIT, help=f"the most lines a module may have (default {LIMIT})")
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: src/openorchestrator)")
    args = parser.parse_args(argv)
    paths = [path.resolve() for path in args.paths] or DEFAULT_PATHS
    missing = [path for path in paths if not path.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(map(str, missing))}")
    too_long = offenders(paths, args.max)
    for module, lines in too_long:
        print(f"{shown(module)}: {lines} lines (limit {args.max})")
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

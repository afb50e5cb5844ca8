"""The Python wheel carries the built web UI, so that someone who installs it with pip needs no Node.js."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "src" / "openorchestrator" / "web_dist"


@pytest.mark.skipif(not (WEB_DIST / "index.html").exists(), reason="no built UI (make test builds it first)")
def test_the_wheel_holds_the_built_ui(tmp_path: Path) -> None:
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = tmp_path.glob("openorchestrator-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "openorchestrator/web_dist/index.html" in names
    shipped = {name.removeprefix("openorchestrator/web_dist/") for name in names if "/web_dist/assets/" in name}
    built_assets = {str(path.relative_to(WEB_DIST)) for path in (WEB_DIST / "assets").iterdir()}
    assert shipped == built_assets  # every hashed asset the index can ask for
    assert not any(name.startswith("web/") or "node_modules" in name for name in names)

"""Process settings: read from `OPENORCH_*` environment variables and command-line flags.

These are the settings a process needs before it can open its database. Config a user changes while the
app runs (parallel runs, language, time zone, ...) live in the database; see `settings/`.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_HOST_NAME = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?$")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def default_data_dir() -> Path:
    """The platform's user data dir, e.g. `~/.local/share/openorchestrator` on Linux."""
    return Path(platformdirs.user_data_dir("openorchestrator", appauthor=False))


def default_web_dist_dir() -> Path:
    """The web UI built into the package (`make web` writes it; wheels ship it)."""
    return Path(__file__).parent / "web_dist"


class Config(BaseSettings):
    """Everything a process is configured with. Built once (in the CLI or a test) and passed down."""

    model_config = SettingsConfigDict(env_prefix="OPENORCH_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    """SQLAlchemy async URL; default: `sqlite+aiosqlite:///<data_dir>/openorchestrator.db`."""
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=1, le=65535)
    access_token: str | None = None
    """Required as `Authorization: Bearer <token>` on every API call when set; needed to listen beyond loopback."""
    allowed_hosts: list[str] = Field(default_factory=list)
    """Extra host names the server answers to (besides localhost, 127.0.0.1 and [::1])."""
    allowed_origins: list[str] = Field(default_factory=list)
    """Extra web origins (scheme://host:port) that may change data, e.g. a UI dev server http://localhost:5173."""
    log_level: str = "INFO"
    retry_delay_seconds: float = Field(default=30.0, ge=0)
    """The pause before the one retry of a run that failed for a transient reason."""
    max_retry_delay_seconds: float = Field(default=3600.0, ge=0)
    """The longest a provider's `Retry-After` can push that retry out."""
    cancel_grace_seconds: float = Field(default=1.0, gt=0)
    scheduler: bool = True
    """Whether this process may schedule bots (`OPENORCH_SCHEDULER=false`: serve the API only)."""
    scheduler_lease_seconds: float = Field(default=15.0, ge=0.5, le=600)
    """How long the scheduling process's claim lasts without renewal; another process takes over after it."""

    search_fallback_url: str | None = None
    """Where the `web_search` tool searches without a Brave key (default: DuckDuckGo's HTML page); for tests."""
    web_dist_dir: Path = Field(default_factory=default_web_dist_dir)
    """The built web UI served at `/` (a folder with `index.html` and `assets/`); default: the package's."""

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _plain_hosts(cls, hosts: list[str]) -> list[str]:
        for host in hosts:
            if not _HOST_NAME.match(host):
                raise ValueError(f"{host!r} is not a host name (e.g. bots.example.lan or bots.example.lan:8765)")
        return [host.lower() for host in hosts]

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "openorchestrator.db"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.sqlite_path}"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "secret.key"

    @property
    def bots_dir(self) -> Path:
        return self.data_dir / "bots"

    def bot_dir(self, bot_id: str) -> Path:
        return self.bots_dir / bot_id

    @property
    def is_loopback(self) -> bool:
        """Only a loopback *address* (or localhost) counts: a name like 127.example.com could point anywhere."""
        if self.host in LOOPBACK_HOSTS:
            return True
        try:
            return ipaddress.ip_address(self.host.strip("[]")).is_loopback
        except ValueError:
            return False

    def ensure_dirs(self) -> None:
        """Create the data dir readable by its owner only (it holds the database and the key file)."""
        if not self.data_dir.exists():
            self.data_dir.mkdir(parents=True, mode=0o700)
        self.bots_dir.mkdir(mode=0o700, exist_ok=True)

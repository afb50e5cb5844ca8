"""Secrets at rest: AES-256-GCM with a 256-bit master key kept in the data dir (mode 0600).

A sealed secret is `b"v1" + nonce(12) + ciphertext+tag`. The associated data binds a secret to its purpose
(e.g. `credential:<id>`), so a ciphertext copied to another row does not decrypt.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"v1"
_NONCE_BYTES = 12


class SecretError(Exception):
    """A secret could not be decrypted: wrong key file, or tampered data."""


def load_or_create_key(path: Path) -> bytes:
    """Read the master key, creating it (0600, atomically) on first start."""
    if path.exists():
        key = path.read_bytes()
        if len(key) != 32:
            raise SecretError(f"The key file {path} is damaged (expected 32 bytes).")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return key


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, plaintext: str, purpose: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), purpose.encode())

    def open(self, sealed: bytes, purpose: str) -> str:
        if not sealed.startswith(_VERSION):
            raise SecretError("Unknown secret format.")
        nonce = sealed[len(_VERSION) : len(_VERSION) + _NONCE_BYTES]
        try:
            plain = self._aead.decrypt(nonce, sealed[len(_VERSION) + _NONCE_BYTES :], purpose.encode())
        except InvalidTag as exc:
            raise SecretError("A stored secret could not be decrypted (was the key file replaced?).") from exc
        return plain.decode()


def hint(secret: str | None) -> str | None:
    """What the API shows instead of a secret: its last four characters."""
    if not secret:
        return None
    return "…" + secret[-4:] if len(secret) >= 12 else "…"

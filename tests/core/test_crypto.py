"""`core.crypto` on its own: AES-256-GCM sealing bound to a purpose, everything else refused with `SecretError`,
and the master key file (created 0600 once, then reused; a damaged one refused by name)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from openorchestrator.core.crypto import SecretBox, SecretError, hint, load_or_create_key

KEY = bytes(range(32))
SECRET = "sk-live-0123456789abcdef"
PURPOSE = "credential:01JCRED0001"


@pytest.fixture
def box() -> SecretBox:
    return SecretBox(KEY)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read new files, so only the module's own care keeps the key private."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


# -- sealing -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("plaintext", [SECRET, "", "Grüße 🔑 " * 500])
def test_a_sealed_secret_opens_to_what_was_sealed(box: SecretBox, plaintext: str) -> None:
    sealed = box.seal(plaintext, PURPOSE)
    assert box.open(sealed, PURPOSE) == plaintext
    assert SecretBox(KEY).open(sealed, PURPOSE) == plaintext  # a new box on the same key: what a restart does


def test_the_sealed_form_is_versioned_and_hides_the_plaintext(box: SecretBox) -> None:
    sealed = box.seal(SECRET, PURPOSE)
    assert sealed.startswith(b"v1")
    assert len(sealed) == 2 + 12 + len(SECRET.encode()) + 16  # version, nonce, ciphertext, GCM tag
    assert SECRET.encode() not in sealed and SECRET[-8:].encode() not in sealed


def test_every_seal_uses_a_fresh_nonce(box: SecretBox) -> None:
    sealed = [box.seal(SECRET, PURPOSE) for _ in range(2_000)]
    nonces = {item[2:14] for item in sealed}
    assert len(nonces) == len(sealed)
    assert len(set(sealed)) == len(sealed)  # the same secret twice does not look the same at rest


def test_a_secret_sealed_for_one_purpose_does_not_open_for_another(box: SecretBox) -> None:
    sealed = box.seal(SECRET, PURPOSE)
    with pytest.raises(SecretError):
        box.open(sealed, "credential:01JCRED0002")  # copied to another row


@pytest.mark.parametrize("index", [2, 13, 14, -1], ids=["nonce-first", "nonce-last", "ciphertext", "tag"])
def test_a_tampered_byte_anywhere_is_refused(box: SecretBox, index: int) -> None:
    sealed = bytearray(box.seal(SECRET, PURPOSE))
    sealed[index] ^= 0x01
    with pytest.raises(SecretError, match="could not be decrypted"):
        box.open(bytes(sealed), PURPOSE)


@pytest.mark.parametrize("cut", [1, 16, 30])
def test_a_truncated_secret_is_refused(box: SecretBox, cut: int) -> None:
    sealed = box.seal(SECRET, PURPOSE)
    with pytest.raises(SecretError):
        box.open(sealed[:-cut], PURPOSE)


def test_a_secret_sealed_under_another_key_is_refused(box: SecretBox) -> None:
    sealed = SecretBox(bytes(32)).seal(SECRET, PURPOSE)
    with pytest.raises(SecretError, match="key file replaced"):
        box.open(sealed, PURPOSE)


@pytest.mark.parametrize("sealed", [b"", b"v2" + bytes(40), SECRET.encode()])
def test_an_unknown_format_is_refused(box: SecretBox, sealed: bytes) -> None:
    with pytest.raises(SecretError, match="Unknown secret format"):
        box.open(sealed, PURPOSE)


# -- the master key file -------------------------------------------------------------------------------------
@pytest.mark.usefixtures("open_umask")
def test_the_key_file_is_created_private_with_32_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "data" / "nested" / "master.key"
    key = load_or_create_key(path)
    assert len(key) == 32 and key != bytes(32)
    assert path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["master.key"]  # no temporary file left behind


def test_the_key_file_is_reused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    first = load_or_create_key(path)
    modified = path.stat().st_mtime_ns
    assert load_or_create_key(path) == first
    assert path.stat().st_mtime_ns == modified
    sealed = SecretBox(first).seal(SECRET, PURPOSE)
    assert SecretBox(load_or_create_key(path)).open(sealed, PURPOSE) == SECRET


def test_two_data_dirs_get_different_keys(tmp_path: Path) -> None:
    assert load_or_create_key(tmp_path / "a" / "master.key") != load_or_create_key(tmp_path / "b" / "master.key")


@pytest.mark.parametrize("content", [b"", b"short", bytes(31), bytes(33), bytes(64)])
def test_a_damaged_key_file_is_refused_by_name_and_left_alone(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "master.key"
    path.write_bytes(content)
    with pytest.raises(SecretError, match="damaged") as raised:
        load_or_create_key(path)
    assert str(path) in str(raised.value) and "32 bytes" in str(raised.value)
    assert path.read_bytes() == content  # never overwritten: the secrets sealed under it would be lost


# -- what the API shows instead ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("secret", "shown"),
    [(None, None), ("", None), ("short", "…"), ("elevenchars", "…"), ("twelve-chars", "…hars"), (SECRET, "…cdef")],
)
def test_a_hint_shows_at_most_the_last_four_characters_of_a_long_secret(secret: str | None, shown: str | None) -> None:
    assert hint(secret) == shown

"""A credential as a run uses it: found by the name a bot's model gives (`"<credential name>:<model>"`), its key
opened for the call (`target_for`), whether it offers a model. No SDK, no API: what the engine needs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from openorchestrator.core.crypto import SecretBox, SecretError
from openorchestrator.db.models import ProviderCredential
from openorchestrator.providers.types import PROVIDERS, ModelTarget, ProviderFailure, ProviderType, split_model


def credentials_for(session: Session, models: list[str]) -> dict[str, ProviderCredential]:
    names = set()
    for model in models:
        try:
            names.add(split_model(model)[0])
        except ValueError:
            continue
    found = session.scalars(select(ProviderCredential).where(ProviderCredential.name.in_(names)))
    return {credential.name: credential for credential in found}


def purpose(credential_id: str) -> str:
    return f"credential:{credential_id}"


def offers_model(credential: ProviderCredential, model_name: str) -> bool:
    """Whether the credential's last key check listed the model (no list, e.g. saved unchecked: assume yes)."""
    if not credential.models:
        return True
    names = set(credential.models)
    return model_name in names or f"{model_name}:latest" in names  # Ollama: "llama3.1" is "llama3.1:latest"


def unknown_model_reason(credential: ProviderCredential, model_name: str) -> str:
    shown = ", ".join(credential.models[:8]) + (" …" if len(credential.models) > 8 else "")
    return f"{credential.name!r} does not offer the model {model_name!r} (it offers: {shown})"


def target_for(credential: ProviderCredential | None, box: SecretBox, model: str) -> ModelTarget:
    """The model a bot's `model` string names at its credential, with the key decrypted for the call.

    Raises `ProviderFailure("config_error")` with what to fix when the credential is missing or unusable.
    """
    try:
        credential_name, model_name = split_model(model)
    except ValueError as exc:
        raise ProviderFailure.config("config_bad_model", f"model {model!r}: {exc}", model=model) from None
    if credential is None or credential.name != credential_name:
        detail = f"no AI provider named {credential_name!r} is set up"
        raise ProviderFailure.config("config_no_credential", detail, name=credential_name)
    type_ = ProviderType(credential.type)
    if not PROVIDERS[type_].is_llm:
        detail = f"{credential.name!r} is a key for a tool, not an AI model"
        raise ProviderFailure.config("config_not_a_model", detail, name=credential.name)
    if not offers_model(credential, model_name):
        detail = unknown_model_reason(credential, model_name)
        raise ProviderFailure.config("config_model_not_offered", detail, name=credential.name, model=model_name)
    if credential.status == "error":  # a key found invalid, an account found empty: fix first, then check again
        detail = f"{credential.name}: {credential.error_message}"
        raise ProviderFailure.config(
            "config_credential_error", detail, name=credential.name, message=credential.error_message or ""
        )
    try:
        sealed = credential.api_key_sealed
        api_key = box.open(sealed, purpose(credential.id)) if sealed else None
    except SecretError as exc:
        raise ProviderFailure.config("config_secret", str(exc), name=credential.name) from None
    return ModelTarget(
        credential_id=credential.id,
        credential_name=credential.name,
        type=type_,
        model_name=model_name,
        api_key=api_key,
        base_url=credential.base_url,
        version=credential.updated_at.isoformat(),
    )

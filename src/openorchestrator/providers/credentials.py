"""Finding the credentials that a bot's models name (`"<credential name>:<model>"`), in a sync session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from openorchestrator.db.models import ProviderCredential
from openorchestrator.providers.types import split_model


def credentials_for(session: Session, models: list[str]) -> dict[str, ProviderCredential]:
    names = set()
    for model in models:
        try:
            names.add(split_model(model)[0])
        except ValueError:
            continue
    found = session.scalars(select(ProviderCredential).where(ProviderCredential.name.in_(names)))
    return {credential.name: credential for credential in found}

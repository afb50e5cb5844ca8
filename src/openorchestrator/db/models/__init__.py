"""All tables, one module each. Importing this package registers them on `Base.metadata`."""

from openorchestrator.db.models.bot import Bot
from openorchestrator.db.models.channel import IN_APP_CHANNEL_ID, BotChannel, Channel, Notification
from openorchestrator.db.models.credential import ProviderCredential
from openorchestrator.db.models.event import Event, EventKind
from openorchestrator.db.models.lease import Lease
from openorchestrator.db.models.run import Run
from openorchestrator.db.models.setting import Setting

__all__ = [
    "IN_APP_CHANNEL_ID",
    "Bot",
    "BotChannel",
    "Channel",
    "Notification",
    "Event",
    "EventKind",
    "Lease",
    "ProviderCredential",
    "Run",
    "Setting",
]

"""openOrchestrator: a self-hosted home for personal AI bots."""

__version__ = "0.1.0"

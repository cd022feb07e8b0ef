"""Clamor: the pulse of open-sourcing requests in a Discord server."""

__version__ = "0.1.0"

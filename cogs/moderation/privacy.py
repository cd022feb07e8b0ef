"""`/clamor-mod privacy …` and `/clamor-mod forget` (to be written)."""

from __future__ import annotations


class PrivacyCommands:
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server."""

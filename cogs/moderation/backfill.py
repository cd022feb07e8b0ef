"""`/clamor-mod backfill`: read a channel's history from before Clamor joined (to be written)."""

from __future__ import annotations


class BackfillCommands:
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server."""

"""`/clamor forget-me`: any member erases what Clamor logged of them (to be written)."""

from __future__ import annotations


class MemberPrivacyCommands:
    """Mixed into the `/clamor` GroupCog."""

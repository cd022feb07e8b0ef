"""The exceptions the Store lets out."""

from __future__ import annotations


class StoreError(Exception):
    """The database or key file cannot be used; the message is one line naming the file.

    The command line prints it and exits with status 2; the bot logs it and tells the moderator.
    """


class StoreUnavailableError(StoreError):
    """The database cannot take writes (or reads) right now, but may again later: it is read-only,
    the disk is full or failing, or another process held its lock for longer than the Store
    waits. The same call can be retried once the cause is gone; nothing was half written."""

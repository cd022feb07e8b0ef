"""The one exception the Store lets out."""

from __future__ import annotations


class StoreError(Exception):
    """The database or key file cannot be used; the message is one line naming the file.

    The command line prints it and exits with status 2; the bot logs it and tells the moderator.
    """

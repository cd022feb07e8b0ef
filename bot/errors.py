"""Errors whose message is meant for the person who caused them."""


class UserFacingError(Exception):
    """An expected problem with what someone asked; the message is shown to them as is."""

"""Errors that reach a person as one calm line (never a traceback).

The CLI catches `UserError` and prints its message; anything else is a bug.
"""


class UserError(Exception):
    """A problem the user can fix: the message names the file, key or value."""

    exit_status = 2


class ConfigError(UserError):
    """A configuration or programme file is missing, unreadable or invalid."""


class InputError(UserError):
    """An input file (image, video, scenario) is missing or unreadable."""

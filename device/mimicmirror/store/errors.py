"""What can go wrong with the store, in the store's own words.

The service handles storage faults without knowing SQLite: `sqlite3` stays
inside `store/`, and these are what the rest of the program catches.
"""

from __future__ import annotations

from ..errors import UserError


class StoreError(UserError):
    """The database exists but cannot be used as it is (not ours, or from a newer version)."""


class StoreUnavailable(Exception):
    """The storage cannot be written or read just now (disk full, locked, I/O error): try again later."""


class RecordsRefused(Exception):
    """The database refuses this batch as such; writing it again will never succeed."""

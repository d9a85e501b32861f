"""Mimic Mirror: a smart mirror that coaches facial palsy exercises."""

__version__ = "0.1.0"
#: The day this version was made. A wall clock showing an earlier date has not
#: been set (a Pi without a real-time clock or network can boot in 1970), so
#: records written then carry a "date unknown" mark. Moved on with each release.
RELEASE_DATE = "2026-11-29"

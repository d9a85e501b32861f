"""Mimic Mirror: a smart mirror that coaches facial palsy exercises."""

__version__ = "0.1.0"

"""Exceptions raised for bad input."""


class ConfigError(ValueError):
    """Bad input: the message names the field, the value and what is allowed."""

"""Exceptions and warnings of mcgen (one place, below every other module)."""


class ConfigError(ValueError):
    """Bad input: the message names the field, the value and what is allowed."""


class EnvelopeError(RuntimeError):
    """The proposal did not bound the exact density: sampling would not be exact."""


class ClosedChannelWarning(UserWarning):
    """A channel gives no events (kinematically closed in the visible window)."""

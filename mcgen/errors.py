"""Exceptions and warnings of mcgen (one place, below every other module)."""


class ConfigError(ValueError):
    """Bad input: the message names the field, the value and what is allowed."""


class EnvelopeError(RuntimeError):
    """The proposal did not bound the exact density: sampling would not be exact."""


class ConfigWarning(UserWarning):
    """A valid input that probably does not do what the card says (e.g. a threshold above the
    window's lower edge); the command line shows it as ``mcgen: warning: ...``."""


class WorkerError(RuntimeError):
    """Worker processes kept dying while drawing the same blocks (mcgen.production)."""


class ClosedChannelWarning(UserWarning):
    """Channels that give no events (kinematically closed in the visible window): a short
    message, and `notes`, one line per closed channel (`mcgen run -v` prints them)."""

    def __init__(self, message: str, notes: tuple[str, ...] = ()):
        super().__init__(message)
        self.notes = tuple(notes)

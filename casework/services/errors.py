class ServiceError(Exception):
    """A refused state change. The message is French and shown to the user as is."""


class TransitionNotAllowed(ServiceError):
    """The case is not in a state where this step applies."""

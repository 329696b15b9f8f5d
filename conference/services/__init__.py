"""Domain rules, one module per capability. Services never touch request or session."""


class DomainError(Exception):
    """A rule refused the action. ``code`` is stable and used in JSON replies and tests."""

    code = "error"

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details

"""Coded errors of the privacy rules."""

from __future__ import annotations

from conference.services import DomainError


class PrivacyError(DomainError):
    code = "privacy_error"


class InvalidRetention(PrivacyError):
    """A retention period outside the accepted range."""

    code = "invalid_retention"

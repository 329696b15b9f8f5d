"""Coded errors of the privacy rules."""

from __future__ import annotations

from conference.services import DomainError


class PrivacyError(DomainError):
    code = "privacy_error"


class InvalidRetention(PrivacyError):
    """A retention period outside the accepted range."""

    code = "invalid_retention"


class ErasureLinkUnknown(PrivacyError):
    code = "erasure_link_unknown"


class ErasureLinkExpired(PrivacyError):
    code = "erasure_link_expired"


class ErasureLinkUsed(PrivacyError):
    code = "erasure_link_used"


class ErasureNotOpen(PrivacyError):
    """The request was completed already (or is still unconfirmed)."""

    code = "erasure_not_open"


class InvalidHoldReason(PrivacyError):
    code = "invalid_hold_reason"

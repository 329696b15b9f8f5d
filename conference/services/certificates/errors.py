"""Coded errors of the certificate rules."""

from __future__ import annotations

from conference.services import DomainError


class CertificateError(DomainError):
    code = "certificate_error"


class InvalidImage(CertificateError):
    """An uploaded signature or logo that is not a PNG or JPEG we can read and use."""

    code = "invalid_image"


class InvalidRule(CertificateError):
    code = "invalid_rule"


class NoCertificates(CertificateError):
    code = "no_certificates"


class CertificateRevoked(CertificateError):
    code = "certificate_revoked"

"""Issuing certificates: who earns one, the snapshot it keeps, revoking and finding them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import Certificate, Event, Registration, RegistrationState
from conference.models.types import utcnow
from conference.services.certificates.attendance import (
    Attendance,
    attendance_by_registration,
    attendance_of,
)
from conference.services.certificates.errors import CertificateError
from conference.services.certificates.settings import certificate_settings
from conference.urls import absolute_url

#: Longest public id looked up (anything longer is not one of ours).
PUBLIC_ID_MAX_LENGTH = 32
REASON_MAX_LENGTH = 500


def eligible_registrations(event: Event) -> list[tuple[Registration, Attendance]]:
    """Confirmed registrations whose check-ins meet the event's release rule, by name."""
    settings = certificate_settings(event)
    attendance = attendance_by_registration(event)
    if not attendance:
        return []
    registrations = db.session.execute(
        db.select(Registration).where(Registration.event_id == event.id,
                                      Registration.state == RegistrationState.CONFIRMED,
                                      Registration.id.in_(list(attendance)))
    ).scalars().all()
    chosen = [(r, attendance[r.id]) for r in registrations
              if attendance[r.id].meets(settings.rule, settings.rule_minimum)]
    return sorted(chosen, key=lambda pair: (pair[0].last_name.casefold(),
                                            pair[0].first_name.casefold(), pair[0].id))


def issued_registration_ids(event: Event) -> set[int]:
    return set(db.session.execute(
        db.select(Certificate.registration_id).where(Certificate.event_id == event.id)
    ).scalars())


def missing_certificates(event: Event) -> list[tuple[Registration, Attendance]]:
    """Those who earn a certificate and have none yet (revoked ones count as issued)."""
    issued = issued_registration_ids(event)
    return [pair for pair in eligible_registrations(event) if pair[0].id not in issued]


def _snapshot(certificate: Certificate, registration: Registration,
              attendance: Attendance) -> None:
    certificate.full_name = registration.full_name
    certificate.organization = registration.organization or ""
    certificate.days = [day.isoformat() for day in attendance.days]
    certificate.sessions = [
        {"title": s.title.translations(),
         "starts_at": s.starts_at.isoformat() if s.starts_at else None,
         "minutes": int((s.ends_at - s.starts_at).total_seconds() // 60)
         if s.starts_at and s.ends_at else 0}
        for s in attendance.sessions]
    certificate.minutes = attendance.minutes


def issue_certificate(registration: Registration, attendance: Attendance,
                      now: dt.datetime | None = None) -> Certificate:
    """A new certificate for ``registration`` with a snapshot of ``attendance`` (flushed)."""
    certificate = Certificate(event_id=registration.event_id, registration=registration,
                              issued_at=now or utcnow())
    _snapshot(certificate, registration, attendance)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def release_certificates(event: Event, *, now: dt.datetime | None = None,
                         progress: Callable[[int, int], None] | None = None
                         ) -> list[Certificate]:
    """Issue the missing certificates of everyone meeting the rule; returns the new ones.

    Idempotent: a second run issues nothing for those who already have one, also when two
    runs overlap (a job retried while its first worker still runs): each certificate is
    inserted in a savepoint and the unique registration column lets only one in; the loser
    skips it. ``progress`` (the job's) commits every 50; the caller commits at the end.
    """
    now = now or utcnow()
    missing = missing_certificates(event)
    issued = []
    for done, (registration, attendance) in enumerate(missing, start=1):
        savepoint = db.session.begin_nested()
        try:
            certificate = issue_certificate(registration, attendance, now)
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()
        else:
            issued.append(certificate)
        if progress and (done % 50 == 0 or done == len(missing)):
            progress(done, len(missing))
    return issued


def reissue_certificate(certificate: Certificate, now: dt.datetime | None = None) -> Certificate:
    """Take a new snapshot from today's records (the public id stays, so printed copies
    still verify)."""
    _snapshot(certificate, certificate.registration, attendance_of(certificate.registration))
    certificate.issued_at = now or utcnow()
    db.session.flush()
    return certificate


def revoke_certificate(certificate: Certificate, reason: str,
                       now: dt.datetime | None = None) -> Certificate:
    """Revoke: its verification page says so from now on, and it is no longer offered."""
    if certificate.is_revoked:
        raise CertificateError(str(_l("This certificate is already revoked.")))
    certificate.revoked_at = now or utcnow()
    certificate.revoke_reason = reason.strip()[:REASON_MAX_LENGTH]
    db.session.flush()
    return certificate


def restore_certificate(certificate: Certificate) -> Certificate:
    """Undo a revocation."""
    certificate.revoked_at = None
    certificate.revoke_reason = ""
    db.session.flush()
    return certificate


def find_by_public_id(public_id: str) -> Certificate | None:
    """The certificate with this public id, or None (also for anything not shaped like one).
    The id is the whole secret and unique, so the index lookup is the comparison."""
    if not public_id or len(public_id) > PUBLIC_ID_MAX_LENGTH:
        return None
    return db.session.execute(
        db.select(Certificate).filter_by(public_id=public_id)).scalar_one_or_none()


def certificate_of(registration: Registration) -> Certificate | None:
    """The registration's certificate that may be downloaded (issued and not revoked)."""
    certificate = db.session.execute(
        db.select(Certificate).filter_by(registration_id=registration.id)).scalar_one_or_none()
    if certificate is None or certificate.is_revoked:
        return None
    return certificate


def verification_url(certificate: Certificate) -> str:
    """The short public address printed on the certificate and in its QR code."""
    return absolute_url("certificates.verify", public_id=certificate.public_id)


def certificate_link(registration: Registration) -> str | None:
    """The absolute download address of the registration's certificate, or None when it
    has none (a merge field for bulk email)."""
    if certificate_of(registration) is None:
        return None
    return absolute_url("certificates.attendee_pdf", slug=registration.event.slug,
                        token=registration.token)


def list_certificates(event: Event) -> list[Certificate]:
    return list(db.session.execute(
        db.select(Certificate).where(Certificate.event_id == event.id)
        .order_by(Certificate.full_name, Certificate.id)).scalars())

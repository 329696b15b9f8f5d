"""The attendee's rights through the private link: a copy of their data, and erasure.

Erasure: the attendee asks on the private page -> an email with a confirmation link
(single use, expires after ``ERASURE_LINK_HOURS``) -> the request is pending; an organizer
completes it, or holds it with a reason (e.g. an issued invoice accounting law requires to
keep); otherwise it completes itself ``RetentionSettings.erasure_days`` after the
confirmation (the daily job). The attendee is told by email at each step. A held request
does not keep the data past the event's retention end: that run anonymises the person like
everyone else and completes the request (``anonymise_registrations``); issued invoices stay,
as accounting law requires (the anonymisation never touches them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import secrets
import zipfile

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import (
    Answer,
    Certificate,
    CheckIn,
    ErasureRequest,
    ErasureState,
    Event,
    Feedback,
    OutboxMessage,
    Registration,
    RegistrationChange,
    SeatBooking,
    StarredSession,
    User,
)
from conference.models.types import utcnow
from conference.services.messaging.outbox import enqueue_mail
from conference.services.partnering.privacy import partnering_data
from conference.services.privacy.anonymise import anonymise_registrations
from conference.services.privacy.errors import (
    ErasureLinkExpired,
    ErasureLinkUnknown,
    ErasureLinkUsed,
    ErasureNotOpen,
    InvalidHoldReason,
)
from conference.services.privacy.retention import anonymise_due_at, retention_settings
from conference.services.privacy.speakers import anonymise_speakers_by_email
from conference.urls import absolute_url

#: How long the emailed confirmation link works.
ERASURE_LINK_HOURS = 48
HOLD_REASON_MAX = 500


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- Download my data ---------------------------------------------------------------------

def personal_data(registration: Registration) -> dict:
    """Every row the system keeps about the person, as plain JSON-ready values."""
    rid = registration.id

    def rows(model, *where, order=None):
        query = db.select(model).where(*where)
        if order is not None:
            query = query.order_by(order)
        return db.session.execute(query).scalars().all()

    def when(value):
        return value.isoformat() if value else None

    answers = rows(Answer, Answer.registration_id == rid)
    return {
        "event": {"slug": registration.event.slug, "name": str(registration.event.name)},
        "registration": {
            "first_name": registration.first_name, "last_name": registration.last_name,
            "email": registration.email, "organization": registration.organization,
            "job_title": registration.job_title, "country": registration.country,
            "phone": registration.phone, "language": registration.locale,
            "ticket_type": str(registration.ticket_type.name),
            "state": registration.state.value,
            "payment_status": registration.payment_status.value,
            "registered_at": when(registration.created_at),
        },
        "consents": {
            "privacy_policy_accepted_at": when(registration.privacy_consent_at),
            "privacy_policy_version": registration.privacy_policy_version,
            "public_list": registration.consent_public_list,
            "news": registration.consent_news,
        },
        "answers": [{"question": str(a.question.label), "answer": a.value} for a in answers],
        "check_ins": [{"at": when(c.checked_in_at), "checkpoint": str(c.checkpoint.name)}
                      for c in rows(CheckIn, CheckIn.registration_id == rid,
                                    order=CheckIn.checked_in_at)],
        "agenda": [{"session": str(s.session.title), "starts_at": when(s.session.starts_at)}
                   for s in rows(StarredSession, StarredSession.registration_id == rid)],
        "seat_bookings": [{"session": str(b.session.title), "booked_at": when(b.created_at)}
                          for b in rows(SeatBooking, SeatBooking.registration_id == rid)],
        "feedback": [{"session": str(f.session.title) if f.session else None,
                      "rating": f.rating, "comment": f.comment}
                     for f in rows(Feedback, Feedback.registration_id == rid)],
        "certificates": [{"id": c.public_id, "issued_at": when(c.issued_at),
                          "revoked": c.is_revoked}
                         for c in rows(Certificate, Certificate.registration_id == rid)],
        "history": [{"at": when(c.at), "action": c.action, "detail": c.detail}
                    for c in rows(RegistrationChange, RegistrationChange.registration_id == rid,
                                  order=RegistrationChange.at)],
        "emails": [{"at": when(m.created_at), "subject": m.subject, "status": m.status.value,
                    "text": m.body_text}
                   for m in rows(OutboxMessage, OutboxMessage.event_id == registration.event_id,
                                 OutboxMessage.recipient == registration.email,
                                 order=OutboxMessage.created_at)],
        "order": ({"reference": registration.order.reference,
                   "amount": str(registration.order.amount),
                   "currency": registration.order.currency,
                   "payer_name": registration.order.payer_name,
                   "payer_email": registration.order.payer_email,
                   "state": registration.order.state.value}
                  if registration.order else None),
        "partnering": partnering_data(registration),
    }


def export_personal_data(registration: Registration) -> bytes:
    """One ZIP: ``data.json`` with all their rows, plus their badge, certificate and the
    invoices of their order (as on their private page) when they have them. An invoice's
    PDF is stored at its first rendering: the caller commits."""
    from conference.services.badges.core import BadgeError, render_attendee_badge
    from conference.services.certificates.issuing import certificate_of
    from conference.services.certificates.pdf import render_certificate
    from conference.services.invoicing.issue import invoices_of
    from conference.services.invoicing.pdf import invoice_filename, invoice_pdf

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(personal_data(registration), indent=2,
                                                 ensure_ascii=False))
        with contextlib.suppress(BadgeError):  # not confirmed: no badge
            archive.writestr("badge.pdf", render_attendee_badge(registration))
        certificate = certificate_of(registration)
        if certificate is not None:
            archive.writestr("certificate.pdf", render_certificate(certificate))
        for invoice in invoices_of(registration.order) if registration.order else ():
            archive.writestr(f"invoices/{invoice_filename(invoice)}", invoice_pdf(invoice))
    return out.getvalue()


# --- Erasure ------------------------------------------------------------------------------

def open_erasure(registration: Registration) -> ErasureRequest | None:
    """The person's request still under way (unconfirmed, pending or held), if any."""
    return db.session.execute(
        db.select(ErasureRequest).where(
            ErasureRequest.registration_id == registration.id,
            ErasureRequest.state != ErasureState.COMPLETED)
        .order_by(ErasureRequest.id.desc()).limit(1)).scalar_one_or_none()


def request_erasure(registration: Registration, now: dt.datetime | None = None
                    ) -> ErasureRequest:
    """Start an erasure request and email the confirmation link. Asking again while one is
    unconfirmed replaces its link (the old one stops working); a pending or held request
    is returned as it is."""
    now = now or utcnow()
    request = open_erasure(registration)
    if request is not None and request.state is not ErasureState.UNCONFIRMED:
        return request
    secret = secrets.token_urlsafe(24)
    if request is None:
        request = ErasureRequest(event_id=registration.event_id,
                                 registration_id=registration.id, requested_at=now)
        db.session.add(request)
    request.token_hash = _hash(secret)
    request.link_expires_at = now + dt.timedelta(hours=ERASURE_LINK_HOURS)
    db.session.flush()
    _tell(registration, "privacy.erasure_confirm", _l("Confirm the erasure of your data"),
          "privacy_erasure_confirm", hours=ERASURE_LINK_HOURS,
          link=absolute_url("privacy_rights.confirm_erasure_link", slug=registration.event.slug,
                            erasure_token=secret))
    return request


def find_erasure(event: Event, secret: str) -> ErasureRequest:
    """The request of ``event`` whose confirmation link carries ``secret``."""
    if not secret or len(secret) > 64:
        raise ErasureLinkUnknown(str(_l("This confirmation link is not valid.")))
    request = db.session.execute(
        db.select(ErasureRequest).filter_by(event_id=event.id, token_hash=_hash(secret))
    ).scalar_one_or_none()
    if request is None or not secrets.compare_digest(request.token_hash, _hash(secret)):
        raise ErasureLinkUnknown(str(_l("This confirmation link is not valid.")))
    return request


def confirm_erasure(event: Event, secret: str, now: dt.datetime | None = None
                    ) -> ErasureRequest:
    """The attendee clicked the emailed link: the request becomes pending (once)."""
    now = now or utcnow()
    request = find_erasure(event, secret)
    # Lock the row: two clicks at once confirm once.
    db.session.execute(db.select(ErasureRequest.id).where(ErasureRequest.id == request.id)
                       .with_for_update())
    db.session.refresh(request)
    if request.state is not ErasureState.UNCONFIRMED:
        raise ErasureLinkUsed(str(_l("This link was used already: your request is "
                                     "recorded. There is nothing more to do.")))
    if now >= request.link_expires_at:
        raise ErasureLinkExpired(str(_l("This link has expired. Ask for the erasure again "
                                        "from your private page.")))
    days = retention_settings(event).erasure_days
    request.state = ErasureState.PENDING
    request.confirmed_at = now
    request.due_at = now + dt.timedelta(days=days)
    _tell(request.registration, "privacy.erasure_pending", _l("Your erasure request"),
          "privacy_erasure_pending", due_at=request.due_at)
    return request


def hold_erasure(request: ErasureRequest, reason: str, *, user: User | None,
                 now: dt.datetime | None = None) -> ErasureRequest:
    """Keep the data for a stated reason; the attendee is told the reason."""
    reason = (reason or "").strip()
    if not reason or len(reason) > HOLD_REASON_MAX:
        raise InvalidHoldReason(str(_l("Give the reason (at most %(max)d characters).",
                                       max=HOLD_REASON_MAX)))
    if request.state not in (ErasureState.PENDING, ErasureState.HELD):
        raise ErasureNotOpen(str(_l("Only confirmed requests can be held.")))
    request.state = ErasureState.HELD
    request.hold_reason = reason
    request.decided_by_id = user.id if user else None
    _tell(request.registration, "privacy.erasure_held", _l("Your erasure request is on hold"),
          "privacy_erasure_held", reason=reason,
          anonymised_at=anonymise_due_at(request.registration.event))
    return request


def complete_erasure(request: ErasureRequest, *, user: User | None = None,
                     now: dt.datetime | None = None) -> ErasureRequest:
    """Anonymise the person now and tell them (the last email the system sends them)."""
    now = now or utcnow()
    if request.state not in (ErasureState.PENDING, ErasureState.HELD):
        raise ErasureNotOpen(str(_l("Only confirmed requests can be completed.")))
    registration = request.registration
    address, locale = registration.email, registration.locale
    event = registration.event
    if registration.anonymised_at is None:
        anonymise_registrations(event, [registration.id], now)
    # The same person as a speaker of this event (same email) goes too.
    anonymise_speakers_by_email(event, address)
    request.state = ErasureState.COMPLETED
    request.completed_at = now
    request.decided_by_id = user.id if user else request.decided_by_id
    # Written after the anonymisation, so this one message (with the address, until the
    # mail worker sends it) is not blanked with the rest.
    enqueue_mail(kind="privacy.erasure_completed", recipient=address,
                 subject=_l("Your data has been erased"), template="privacy_erasure_completed",
                 context={}, event=event, locale=locale)
    return request


def complete_due_erasures(now: dt.datetime | None = None) -> int:
    """The daily job: complete pending requests whose waiting time is over. Commits."""
    now = now or utcnow()
    due = db.session.execute(
        db.select(ErasureRequest).where(ErasureRequest.state == ErasureState.PENDING,
                                        ErasureRequest.due_at <= now)
        .order_by(ErasureRequest.id)).scalars().all()
    for request in due:
        complete_erasure(request, now=now)
        db.session.commit()
    return len(due)


def erasure_requests(event: Event) -> list[ErasureRequest]:
    """The event's confirmed requests, open ones first (unconfirmed ones are not shown)."""
    order = sa.case((ErasureRequest.state == ErasureState.PENDING, 0),
                    (ErasureRequest.state == ErasureState.HELD, 1), else_=2)
    return list(db.session.execute(
        db.select(ErasureRequest).where(ErasureRequest.event_id == event.id,
                                        ErasureRequest.state != ErasureState.UNCONFIRMED)
        .order_by(order, ErasureRequest.confirmed_at)).scalars())


def _tell(registration: Registration, kind: str, subject, template: str, **context) -> None:
    enqueue_mail(kind=kind, recipient=registration.email, subject=subject, template=template,
                 context={"registration": registration, **context}, event=registration.event,
                 locale=registration.locale)

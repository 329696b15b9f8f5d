"""Meeting requests: send, accept, decline, withdraw, cancel; and who sees which.

Limits (``PartneringSettings``): every request a person has sent counts against
``max_requests_sent`` whatever became of it (withdrawn and declined ones too, as the
model documents), so that sending and withdrawing cannot go round the limit; accepted
meetings count against ``max_meetings`` for both sides. Each action locks the two profile
rows (``SELECT ... FOR UPDATE`` in id order, so two actions on the same pair never wait
for each other crosswise) before counting, which keeps the limits under parallel
requests on PostgreSQL; SQLite serialises writers. The partial unique index
``uq_meeting_request_open_pair`` is the last guard against two open requests per pair.

Every step emails the other side in their language, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import (
    MeetingRequest,
    PartneringProfile,
    RegistrationState,
    RequestState,
)
from conference.models.partnering import (
    MESSAGE_MAX_LENGTH,
    OPEN_REQUEST_STATES,
    REASON_MAX_LENGTH,
)
from conference.models.types import utcnow
from conference.services.messaging.outbox import enqueue_mail
from conference.services.partnering.errors import (
    CannotRequestSelf,
    DuplicateRequest,
    InvalidMessage,
    MeetingLimitReached,
    MeetingNotOpen,
    NotAParticipant,
    NotYourRequest,
    PartneringClosed,
    RecipientUnavailable,
    RequestAlreadyAnswered,
    RequestLimitReached,
)
from conference.services.partnering.placement import place_new_meeting
from conference.services.partnering.settings import partnering_settings
from conference.urls import absolute_url

#: Email subjects per step (the ``kind`` of the outbox message is ``partnering.<step>``).
SUBJECTS = {
    "received": _l("New meeting request"),
    "accepted": _l("Your meeting request was accepted"),
    "declined": _l("Your meeting request was declined"),
    "withdrawn": _l("A meeting request was withdrawn"),
    "cancelled": _l("A meeting was cancelled"),
    "partner_left": _l("A partner left partnering"),
}


@dataclass
class RequestLists:
    """One person's requests, newest first."""

    incoming: list[MeetingRequest] = field(default_factory=list)
    outgoing: list[MeetingRequest] = field(default_factory=list)
    meetings: list[MeetingRequest] = field(default_factory=list)
    #: Answered, withdrawn and cancelled requests (either direction).
    closed: list[MeetingRequest] = field(default_factory=list)


def private_partnering_link(profile: PartneringProfile) -> str:
    """The absolute link to the person's partnering page (with their private token)."""
    registration = profile.registration
    return absolute_url("partnering.index", slug=registration.event.slug,
                        token=registration.token)


def tell(recipient: PartneringProfile, step: str, request: MeetingRequest | None,
         other: PartneringProfile) -> None:
    """Email ``recipient`` about ``step`` of ``request`` with ``other``, in their language."""
    registration = recipient.registration
    enqueue_mail(kind=f"partnering.{step}", recipient=registration.email,
                 subject=SUBJECTS[step], template="partnering_request_update",
                 context={"step": step, "registration": registration, "request": request,
                          "other": other.registration,
                          "link": private_partnering_link(recipient)},
                 event=registration.event, locale=registration.locale)


def lock_profiles(*profiles: PartneringProfile) -> None:
    """Lock the profiles' rows in id order until the transaction ends (PostgreSQL), then
    reload them. ``PARTNERING_LOCK_ROWS = False`` (tests only) skips the lock, to show the
    race it prevents."""
    ids = sorted({profile.id for profile in profiles})
    if not current_app.config.get("PARTNERING_LOCK_ROWS", True):
        return
    db.session.execute(db.select(PartneringProfile.id).where(PartneringProfile.id.in_(ids))
                       .order_by(PartneringProfile.id).with_for_update())
    for profile in profiles:
        db.session.refresh(profile)


def sent_count(profile: PartneringProfile) -> int:
    """Requests the person has sent, in any state (what counts against the limit)."""
    return db.session.execute(
        db.select(sa.func.count()).select_from(MeetingRequest)
        .where(MeetingRequest.requester_id == profile.id)).scalar_one()


def meeting_count(profile: PartneringProfile) -> int:
    """Accepted meetings the person is in, on either side."""
    return db.session.execute(
        db.select(sa.func.count()).select_from(MeetingRequest).where(
            MeetingRequest.state == RequestState.ACCEPTED,
            sa.or_(MeetingRequest.requester_id == profile.id,
                   MeetingRequest.recipient_id == profile.id))).scalar_one()


def open_request_between(a: PartneringProfile, b: PartneringProfile) -> MeetingRequest | None:
    """The pending or accepted request between the two, whoever sent it."""
    low, high = sorted((a.id, b.id))
    return db.session.execute(
        db.select(MeetingRequest).where(MeetingRequest.pair_low == low,
                                        MeetingRequest.pair_high == high,
                                        MeetingRequest.state.in_(OPEN_REQUEST_STATES))
    ).scalars().first()


def is_usable(profile: PartneringProfile | None) -> bool:
    """An active profile of a confirmed registration."""
    return (profile is not None and profile.is_active
            and profile.registration.state is RegistrationState.CONFIRMED
            and profile.registration.anonymised_at is None)


def _clean_text(value: str | None, limit: int, name: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise InvalidMessage(str(_l("At most %(max)d characters.", max=limit)), field=name)
    if any(not ch.isprintable() and ch not in "\n\t" for ch in text):
        raise InvalidMessage(str(_l("Remove the control characters from this text.")),
                             field=name)
    return text


def _check_open(profile: PartneringProfile) -> None:
    if not partnering_settings(profile.event).enabled:
        raise PartneringClosed(str(_l("Partnering is not open for this event.")))
    if not is_usable(profile):
        raise NotAParticipant(str(_l("You are not taking part in partnering.")))


def send_request(requester: PartneringProfile, recipient: PartneringProfile | None,
                 message: str = "", now: dt.datetime | None = None) -> MeetingRequest:
    """Send a meeting request (does not commit; the recipient is emailed).

    Refused: to oneself, to someone who left, never joined or is in another event, when an
    open request exists between the two (either direction), and beyond the sender's
    ``max_requests_sent``.
    """
    now = now or utcnow()
    text = _clean_text(message, MESSAGE_MAX_LENGTH, "message")
    _check_open(requester)
    if recipient is not None and recipient.id == requester.id:
        raise CannotRequestSelf(str(_l("You cannot send a request to yourself.")))
    if recipient is None or recipient.event_id != requester.event_id:
        raise RecipientUnavailable(str(_l("This person is not taking part in partnering.")))
    lock_profiles(requester, recipient)
    if not is_usable(recipient):
        raise RecipientUnavailable(str(_l("This person is not taking part in partnering.")))
    if not is_usable(requester):
        raise NotAParticipant(str(_l("You are not taking part in partnering.")))
    if open_request_between(requester, recipient) is not None:
        raise DuplicateRequest(str(_l("There is already an open request between you and "
                                      "this person.")))
    limit = partnering_settings(requester.event).max_requests_sent
    if sent_count(requester) >= limit:
        raise RequestLimitReached(str(_l("You have sent the most requests allowed "
                                         "(%(max)d).", max=limit)))
    request = MeetingRequest(
        event_id=requester.event_id, requester_id=requester.id, recipient_id=recipient.id,
        pair_low=min(requester.id, recipient.id), pair_high=max(requester.id, recipient.id),
        message=text, state=RequestState.PENDING, reason="", created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError as error:
        # The partial unique index: a request between the two was sent meanwhile.
        raise DuplicateRequest(str(_l("There is already an open request between you and "
                                      "this person."))) from error
    tell(recipient, "received", request, requester)
    return request


def _answerable(request: MeetingRequest, profile: PartneringProfile) -> None:
    if request.recipient_id != profile.id:
        raise NotYourRequest(str(_l("This request is not addressed to you.")))
    lock_profiles(request.requester, request.recipient)
    db.session.refresh(request)
    if request.state is not RequestState.PENDING:
        raise RequestAlreadyAnswered(str(_l("This request has been answered already.")))


def accept_request(request: MeetingRequest, profile: PartneringProfile,
                   now: dt.datetime | None = None) -> MeetingRequest:
    """The recipient accepts: the request becomes a meeting (does not commit); after the
    schedule is published it is placed at once. Refused beyond ``max_meetings`` of either
    side, or when the requester has left."""
    now = now or utcnow()
    _check_open(profile)
    _answerable(request, profile)
    if not is_usable(request.requester):
        raise RecipientUnavailable(str(_l("This person is not taking part in partnering.")))
    limit = partnering_settings(profile.event).max_meetings
    if meeting_count(profile) >= limit:
        raise MeetingLimitReached(str(_l("You have the most meetings allowed (%(max)d).",
                                         max=limit)), side="you")
    if meeting_count(request.requester) >= limit:
        raise MeetingLimitReached(str(_l("This person has the most meetings allowed "
                                         "(%(max)d).", max=limit)), side="other")
    request.state = RequestState.ACCEPTED
    request.answered_at = now
    db.session.flush()
    tell(request.requester, "accepted", request, profile)
    # Once the schedule is published a new meeting gets the earliest free slot at once
    # (both are told the slot, or that none is left); before that the next run places it.
    place_new_meeting(request, now=now)
    return request


def decline_request(request: MeetingRequest, profile: PartneringProfile, reason: str = "",
                    now: dt.datetime | None = None) -> MeetingRequest:
    """The recipient declines, optionally with a reason shown to the requester."""
    now = now or utcnow()
    text = _clean_text(reason, REASON_MAX_LENGTH, "reason")
    _answerable(request, profile)
    request.state = RequestState.DECLINED
    request.reason = text
    request.answered_at = now
    db.session.flush()
    tell(request.requester, "declined", request, profile)
    return request


def withdraw_request(request: MeetingRequest, profile: PartneringProfile,
                     now: dt.datetime | None = None) -> MeetingRequest:
    """The requester takes a pending request back."""
    now = now or utcnow()
    if request.requester_id != profile.id:
        raise NotYourRequest(str(_l("Only the sender can withdraw a request.")))
    lock_profiles(request.requester, request.recipient)
    db.session.refresh(request)
    if request.state is not RequestState.PENDING:
        raise RequestAlreadyAnswered(str(_l("This request has been answered already.")))
    request.state = RequestState.WITHDRAWN
    request.answered_at = now
    db.session.flush()
    tell(request.recipient, "withdrawn", request, profile)
    return request


def clear_placement(request: MeetingRequest) -> None:
    """Free the meeting's slot and table."""
    request.slot_id = None
    request.table_number = None
    request.locked = False


def cancel_meeting(request: MeetingRequest, profile: PartneringProfile, reason: str = "",
                   now: dt.datetime | None = None) -> MeetingRequest:
    """Either side calls an accepted meeting off; its slot and table are freed."""
    now = now or utcnow()
    text = _clean_text(reason, REASON_MAX_LENGTH, "reason")
    if profile.id not in (request.requester_id, request.recipient_id):
        raise NotYourRequest(str(_l("This meeting is not yours.")))
    lock_profiles(request.requester, request.recipient)
    db.session.refresh(request)
    if request.state is not RequestState.ACCEPTED:
        raise MeetingNotOpen(str(_l("Only an accepted meeting can be cancelled.")))
    request.state = RequestState.CANCELLED
    request.reason = text
    request.answered_at = now
    clear_placement(request)
    db.session.flush()
    tell(request.other(profile.id), "cancelled", request, profile)
    return request


def close_for_leaver(profile: PartneringProfile, now: dt.datetime) -> int:
    """The person leaves: their pending requests are withdrawn (sent) or declined
    (received), their meetings cancelled with the placement cleared, and each other side
    is told. Returns how many requests were closed. The caller holds the profile's lock."""
    open_requests = db.session.execute(
        db.select(MeetingRequest).where(
            MeetingRequest.state.in_(OPEN_REQUEST_STATES),
            sa.or_(MeetingRequest.requester_id == profile.id,
                   MeetingRequest.recipient_id == profile.id))
        .order_by(MeetingRequest.id)).scalars().all()
    for request in open_requests:
        if request.state is RequestState.ACCEPTED:
            request.state = RequestState.CANCELLED
            clear_placement(request)
        elif request.requester_id == profile.id:
            request.state = RequestState.WITHDRAWN
        else:
            request.state = RequestState.DECLINED
        request.answered_at = now
        other = request.other(profile.id)
        if is_usable(other):
            tell(other, "partner_left", request, profile)
    db.session.flush()
    return len(open_requests)


def requests_of(profile: PartneringProfile) -> RequestLists:
    """The person's requests sorted into incoming, outgoing, meetings and closed."""
    rows = db.session.execute(
        db.select(MeetingRequest).where(sa.or_(MeetingRequest.requester_id == profile.id,
                                               MeetingRequest.recipient_id == profile.id))
        .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())).scalars()
    lists = RequestLists()
    for request in rows:
        if request.state is RequestState.ACCEPTED:
            lists.meetings.append(request)
        elif request.state is RequestState.PENDING:
            (lists.incoming if request.recipient_id == profile.id
             else lists.outgoing).append(request)
        else:
            lists.closed.append(request)
    return lists


def request_of(profile: PartneringProfile, request_id: int) -> MeetingRequest:
    """The request with this id if ``profile`` is one of its sides."""
    request = db.session.get(MeetingRequest, request_id)
    if request is None or profile.id not in (request.requester_id, request.recipient_id):
        raise NotYourRequest(str(_l("This request is not yours.")))
    return request

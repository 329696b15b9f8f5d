"""Emails about the partnering schedule, queued in the outbox in the caller's transaction,
each in its recipient's language: the published schedule, a meeting placed, moved or taken
out of the schedule, and a meeting for which no slot is left."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from conference.models import MeetingRequest, PartneringProfile, PartneringSlot
from conference.services.messaging.outbox import enqueue_mail
from conference.services.registration.seats import private_link

SUBJECTS = {
    "placed": _l("Your partnering meeting has a table and a time"),
    "moved": _l("Your partnering meeting has moved"),
    "unplaced": _l("Your partnering meeting was taken out of the schedule"),
}


def tell_schedule(profile: PartneringProfile, placed: list[MeetingRequest],
                  unplaced: list[MeetingRequest]) -> None:
    """The published schedule for one participant: their meetings in time order, and how
    many of their meetings could not be placed."""
    registration = profile.registration
    rows = sorted(((meeting.slot, meeting.table_number, meeting.other(profile.id))
                   for meeting in placed), key=lambda row: row[0].starts_at)
    enqueue_mail(kind="partnering.schedule_published", recipient=registration.email,
                 subject=_l("Your partnering meetings"), template="partnering_schedule",
                 context={"registration": registration, "rows": rows,
                          "unplaced": len(unplaced), "link": private_link(registration)},
                 event=registration.event, locale=registration.locale)


def tell_change(meeting: MeetingRequest, change: str, *,
                slot: PartneringSlot | None = None) -> None:
    """Tell both people that ``meeting`` was ``placed``, ``moved`` or ``unplaced``
    (``slot``: where it was, for "unplaced"; else it is where it is now)."""
    for profile in (meeting.requester, meeting.recipient):
        registration = profile.registration
        enqueue_mail(kind=f"partnering.meeting_{change}", recipient=registration.email,
                     subject=SUBJECTS[change], template="partnering_meeting_changed",
                     context={"registration": registration, "change": change,
                              "partner": meeting.other(profile.id).registration,
                              "slot": slot or meeting.slot, "table": meeting.table_number,
                              "link": private_link(registration)},
                     event=registration.event, locale=registration.locale)


def tell_unplaced(meeting: MeetingRequest) -> None:
    """``meeting`` is about to leave its slot (the caller clears it afterwards)."""
    tell_change(meeting, "unplaced", slot=meeting.slot)


def tell_no_slot_left(meeting: MeetingRequest) -> None:
    """No common free slot with a free table is left for a newly accepted meeting."""
    for profile in (meeting.requester, meeting.recipient):
        registration = profile.registration
        enqueue_mail(kind="partnering.no_slot_left", recipient=registration.email,
                     subject=_l("No time is left for your partnering meeting"),
                     template="partnering_no_slot",
                     context={"registration": registration,
                              "partner": meeting.other(profile.id).registration,
                              "link": private_link(registration)},
                     event=registration.event, locale=registration.locale)

"""Organizers: the schedule board (slots and their tables), running the scheduler as a job,
moving, swapping, locking and unplacing meetings, and publishing."""

from __future__ import annotations

from collections import defaultdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from conference.extensions import db
from conference.i18n import format_local_datetime, format_local_time
from conference.inputs import parse_int
from conference.jobs import dispatch
from conference.models import Event, MeetingRequest, PartneringSlot
from conference.partnering_schedule.blueprint import bp
from conference.partnering_schedule.forms import (
    MeetingActionForm,
    MoveForm,
    SwapForm,
    VersionForm,
)
from conference.partnering_schedule.labels import REASON_LABELS
from conference.security import event_access, get_in_event_or_404
from conference.services.partnering.errors import PartneringError
from conference.services.partnering.placement import (
    meetings_of,
    move_meeting,
    publish_schedule,
    run_summary,
    set_locked,
    start_schedule_run,
    swap_meetings,
    unplace_meeting,
)
from conference.services.partnering.windows import settings_of, slots_of, windows_of

#: Unplaced meetings listed with a "place it" form (each form holds every slot).
UNPLACED_SHOWN = 200


@bp.route("/manage/<slug>/partnering/schedule")
@event_access("organizer")
def board(event: Event):
    """Every slot with its meetings by table, the unplaced meetings with their reasons,
    the last run's summary, and the run and publish buttons."""
    settings = settings_of(event)
    db.session.commit()
    meetings = meetings_of(event)
    by_slot: dict[int, list[MeetingRequest]] = defaultdict(list)
    unplaced = []
    for meeting in meetings:
        if meeting.slot_id is None:
            unplaced.append(meeting)
        else:
            by_slot[meeting.slot_id].append(meeting)
    for placed in by_slot.values():
        placed.sort(key=lambda m: m.table_number)
    return render_template(
        "partnering_schedule/board.html", event=event, settings=settings,
        windows=windows_of(event), by_slot=by_slot, unplaced=unplaced,
        placed_count=len(meetings) - len(unplaced), summary=run_summary(settings),
        REASON_LABELS=REASON_LABELS, slot_choices=_slot_choices(event),
        version_form=VersionForm(formdata=None), UNPLACED_SHOWN=UNPLACED_SHOWN)


@bp.route("/manage/<slug>/partnering/schedule/slots/<int:slot_id>")
@event_access("organizer")
def slot(event: Event, slot_id: int):
    """One slot's tables, with the forms to move, swap, lock and unplace its meetings."""
    slot = get_in_event_or_404(PartneringSlot, event, slot_id)
    settings = settings_of(event)
    db.session.commit()
    placed = {m.table_number: m for m in meetings_of(event) if m.slot_id == slot.id}
    return render_template(
        "partnering_schedule/slot.html", event=event, slot=slot, settings=settings,
        tables=[(number, placed.get(number)) for number in range(1, settings.table_count + 1)],
        slot_choices=_slot_choices(event), version_form=VersionForm(formdata=None))


@bp.route("/manage/<slug>/partnering/schedule/run", methods=["POST"])
@event_access("organizer")
def run(event: Event):
    """Start a scheduler run as a job and show its progress."""
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    job, created = start_schedule_run(event, user=current_user,
                                      expected_version=parse_int(form.version.data))
    db.session.commit()
    if created:
        dispatch(job)
    else:
        flash(_("The scheduler is already running; here is its progress."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))


@bp.route("/manage/<slug>/partnering/schedule/publish", methods=["POST"])
@event_access("organizer")
def publish(event: Event):
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        count = publish_schedule(event, expected_version=_version(form))
    except PartneringError as error:
        return _refused(event, error)
    db.session.commit()
    flash(_("Schedule published; %(count)d participants are told their meetings.",
            count=count), "success")
    return _back(event)


@bp.route("/manage/<slug>/partnering/schedule/move", methods=["POST"])
@event_access("organizer")
def move(event: Event):
    form = MoveForm()
    form.slot.choices = _slot_choices(event)
    if not form.validate_on_submit():
        flash(_("Choose a slot and a table number."), "error")
        return _back(event)
    meeting = _meeting_or_404(event, form.meeting_id.data)
    slot = get_in_event_or_404(PartneringSlot, event, parse_int(form.slot.data) or 0)
    try:
        move_meeting(meeting, slot, form.table.data, expected_version=_version(form))
    except PartneringError as error:
        return _refused(event, error)
    db.session.commit()
    flash(_("Meeting moved."), "success")
    return _back(event)


@bp.route("/manage/<slug>/partnering/schedule/swap", methods=["POST"])
@event_access("organizer")
def swap(event: Event):
    form = SwapForm()
    if not form.validate_on_submit():
        flash(_("Give the number of the meeting to swap with."), "error")
        return _back(event)
    meeting = _meeting_or_404(event, form.meeting_id.data)
    other = db.session.get(MeetingRequest, form.other.data)
    if other is None or other.event_id != event.id:
        flash(_("There is no meeting no. %(number)d.", number=form.other.data), "error")
        return _back(event)
    try:
        swap_meetings(meeting, other, expected_version=_version(form))
    except PartneringError as error:
        return _refused(event, error)
    db.session.commit()
    flash(_("Meetings swapped."), "success")
    return _back(event)


@bp.route("/manage/<slug>/partnering/schedule/lock", methods=["POST"])
@event_access("organizer")
def lock(event: Event):
    form = MeetingActionForm()
    if not form.validate_on_submit():
        abort(400)
    meeting = _meeting_or_404(event, form.meeting_id.data)
    locked = request.form.get("locked") == "1"
    try:
        set_locked(meeting, locked, expected_version=_version(form))
    except PartneringError as error:
        return _refused(event, error)
    db.session.commit()
    flash(_("Meeting locked: a new run keeps it.") if locked else _("Meeting unlocked."),
          "success")
    return _back(event)


@bp.route("/manage/<slug>/partnering/schedule/unplace", methods=["POST"])
@event_access("organizer")
def unplace(event: Event):
    form = MeetingActionForm()
    if not form.validate_on_submit():
        abort(400)
    meeting = _meeting_or_404(event, form.meeting_id.data)
    try:
        unplace_meeting(meeting, expected_version=_version(form))
    except PartneringError as error:
        return _refused(event, error)
    db.session.commit()
    flash(_("Meeting taken out of the schedule."), "success")
    return _back(event)


def _version(form) -> int | None:
    # A form without a readable version (an old page) is checked like a stale one.
    return parse_int(form.version.data) if form.version.data else -1


def _meeting_or_404(event: Event, value: str | None) -> MeetingRequest:
    return get_in_event_or_404(MeetingRequest, event, parse_int(value) or 0)


def _refused(event: Event, error: PartneringError):
    db.session.rollback()
    flash(error.message, "error")
    return _back(event)


def _back(event: Event):
    """Back to the page the form was on (a slot page or the board)."""
    slot_id = parse_int(request.form.get("back_slot"))
    if slot_id:
        return redirect(url_for("partnering_schedule.slot", slug=event.slug, slot_id=slot_id))
    return redirect(url_for("partnering_schedule.board", slug=event.slug))


def _slot_choices(event: Event) -> list[SelectChoice]:
    return [SelectChoice(str(s.id), f"{format_local_datetime(s.starts_at, event, 'short')}"
                                    f"–{format_local_time(s.ends_at, event)}")
            for s in slots_of(event)]

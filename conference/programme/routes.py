"""The organizers' programme back office: rooms, tracks, speakers, sessions, conflicts, grid."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from conference.agenda.grid import build_grid
from conference.cfp.routes import speaker_label as _staff_name
from conference.extensions import db
from conference.i18n import format_local_datetime, format_local_time
from conference.links import add_link
from conference.models import Event, Room, Session, SessionType, Speaker, Track
from conference.programme.forms import (
    TYPE_LABELS,
    MoveForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
    TrackForm,
)
from conference.security import event_access, get_in_event_or_404
from conference.services import DomainError
from conference.services.cfp import proposals as cfp_service
from conference.services.programme.conflicts import Conflict, ConflictKind, find_conflicts
from conference.services.programme.sessions import (
    UnconfirmedConflicts,
    cancel_session,
    local_instant,
    reschedule_session,
    restore_session,
    rooms_of,
    save_room,
    save_session,
    save_track,
    tracks_of,
)
from conference.services.programme.workshops import booked_count

bp = Blueprint("programme", __name__, url_prefix="/manage/<slug>/programme")

bp.record_once(
    lambda state: add_link(
        state.app, "manage",
        lambda event: (str(_l("Programme")), url_for("programme.index", slug=event.slug)),
    )
)


# Session type labels for the templates of both programme blueprints (imported macros
# see globals, not context-processor values).
bp.record_once(lambda state: state.app.jinja_env.globals.update(SESSION_TYPE_LABELS=TYPE_LABELS))


# ---------------------------------------------------------------- loading helpers





def _speakers(event: Event) -> list[Speaker]:
    return list(db.session.execute(
        db.select(Speaker).where(Speaker.event_id == event.id).order_by(Speaker.name)
    ).scalars())


def _sessions(event: Event) -> list[Session]:
    return list(db.session.execute(
        db.select(Session).where(Session.event_id == event.id)
        .order_by(Session.starts_at.is_(None), Session.starts_at, Session.id)
    ).scalars())


def describe_conflict(conflict: Conflict, event: Event) -> str:
    """One line for an organizer: what clashes with what, in the event's time."""
    def when(s: Session) -> str:
        return (f"{format_local_datetime(s.starts_at, event, 'short')}–"
                f"{format_local_time(s.ends_at, event)}")

    first = conflict.sessions[0]
    if conflict.kind is ConflictKind.ROOM_DOUBLE_BOOKED:
        second = conflict.sessions[1]
        return _("“%(a)s” (%(at)s) and “%(b)s” (%(bt)s) are both in %(room)s.",
                 a=first.title, at=when(first), b=second.title, bt=when(second),
                 room=first.room.name)
    if conflict.kind is ConflictKind.SPEAKER_DOUBLE_BOOKED:
        second = conflict.sessions[1]
        return _("%(speaker)s speaks in “%(a)s” (%(at)s) and “%(b)s” (%(bt)s).",
                 speaker=_staff_name(conflict.speaker), a=first.title, at=when(first),
                 b=second.title, bt=when(second))
    if conflict.kind is ConflictKind.OUTSIDE_EVENT_DAYS:
        return _("“%(a)s” (%(at)s) is outside the event's days.", a=first.title, at=when(first))
    if conflict.kind is ConflictKind.SEATS_ABOVE_ROOM_CAPACITY:
        return _("“%(a)s” offers %(seats)d seats but %(room)s holds %(cap)d.", a=first.title,
                 seats=first.seat_capacity, room=first.room.name, cap=first.room.capacity)
    span = conflict.unavailability
    return _("%(speaker)s is unavailable %(from)s–%(to)s (%(note)s) but speaks in “%(a)s”.",
             speaker=_staff_name(conflict.speaker), a=first.title,
             **{"from": format_local_datetime(span.starts_at, event, "short"),
                "to": format_local_datetime(span.ends_at, event, "short"),
                "note": span.note or "-"})


def _described(conflicts: list[Conflict], event: Event) -> list[dict]:
    return [{"label": c.label, "kind": c.kind.value, "text": describe_conflict(c, event),
             "session_ids": [s.id for s in c.sessions]} for c in conflicts]


# ---------------------------------------------------------------- overview

@bp.route("/")
@event_access("organizer")
def index(event: Event):
    sessions = _sessions(event)
    conflict_count = len(find_conflicts(event))
    return render_template("programme/index.html", event=event, sessions=sessions,
                           conflict_count=conflict_count, rooms=rooms_of(event),
                           tracks=tracks_of(event), speakers=_speakers(event),
                           booked={s.id: booked_count(s) for s in sessions if s.needs_booking})


@bp.route("/conflicts")
@event_access("organizer")
def conflicts(event: Event):
    found = _described(find_conflicts(event), event)
    return render_template("programme/conflicts.html", event=event, conflicts=found)


# ---------------------------------------------------------------- rooms and tracks

@bp.route("/rooms", methods=["GET", "POST"])
@event_access("organizer")
def rooms(event: Event):
    form = RoomForm()
    if form.validate_on_submit():
        room = Room(position=len(rooms_of(event)))
        save_room(room, event=event, name=form.name.data, capacity=form.capacity.data,
                  notes=form.notes.data or "")
        db.session.commit()
        flash(_("Room saved."), "success")
        return redirect(url_for("programme.rooms", slug=event.slug))
    return render_template("programme/rooms.html", event=event, form=form, rooms=rooms_of(event))


@bp.route("/rooms/<int:room_id>", methods=["GET", "POST"])
@event_access("organizer")
def room_edit(event: Event, room_id: int):
    room = get_in_event_or_404(Room, event, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        save_room(room, event=event, name=form.name.data, capacity=form.capacity.data,
                  notes=form.notes.data or "")
        db.session.commit()
        flash(_("Room saved."), "success")
        return redirect(url_for("programme.rooms", slug=event.slug))
    return render_template("programme/edit_simple.html", event=event, form=form,
                           heading=_("Edit room %(name)s", name=room.name))


@bp.route("/tracks", methods=["GET", "POST"])
@event_access("organizer")
def tracks(event: Event):
    form = TrackForm()
    if form.validate_on_submit():
        save_track(Track(), event=event, name=form.name.data, colour=form.colour.data)
        db.session.commit()
        flash(_("Track saved."), "success")
        return redirect(url_for("programme.tracks", slug=event.slug))
    return render_template("programme/tracks.html", event=event, form=form,
                           tracks=tracks_of(event))


@bp.route("/tracks/<int:track_id>", methods=["GET", "POST"])
@event_access("organizer")
def track_edit(event: Event, track_id: int):
    track = get_in_event_or_404(Track, event, track_id)
    form = TrackForm(obj=track)
    if form.validate_on_submit():
        save_track(track, event=event, name=form.name.data, colour=form.colour.data)
        db.session.commit()
        flash(_("Track saved."), "success")
        return redirect(url_for("programme.tracks", slug=event.slug))
    return render_template("programme/edit_simple.html", event=event, form=form,
                           heading=_("Edit track %(name)s", name=track.name))


@bp.route("/speakers", methods=["GET", "POST"])
@event_access("organizer")
def speakers(event: Event):
    """A minimal speaker list; full speaker management lives in the speakers feature."""
    form = SpeakerForm()
    if form.validate_on_submit():
        profile = cfp_service.SpeakerProfile(
            name=form.name.data, email=form.email.data, affiliation=form.affiliation.data or "",
            biography=form.biography.data or "")
        try:
            cfp_service.add_speaker(event, profile)
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.details.get("field", ""), form.name)
            field.errors = [*field.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Speaker added."), "success")
            return redirect(url_for("programme.speakers", slug=event.slug))
    return render_template("programme/speakers.html", event=event, form=form,
                           speakers=_speakers(event))


# ---------------------------------------------------------------- sessions

def _session_form_choices(form, event: Event) -> None:
    none = SelectChoice(0, _("— none —"))
    if hasattr(form, "track"):
        form.track.choices = [none] + [SelectChoice(t.id, t.name) for t in tracks_of(event)]
    form.room.choices = [none] + [
        SelectChoice(r.id, f"{r.name} ({r.capacity})" if r.capacity else r.name)
        for r in rooms_of(event)
    ]
    if hasattr(form, "speakers"):
        form.speakers.choices = [
            SelectChoice(s.id, ", ".join(filter(None, [_staff_name(s), s.affiliation])))
            for s in _speakers(event)
        ]


def _times(event: Event, form) -> tuple[dt.datetime | None, dt.datetime | None]:
    if form.day.data is None or form.start_time.data is None or form.end_time.data is None:
        return None, None
    return (local_instant(event, form.day.data, form.start_time.data),
            local_instant(event, form.day.data, form.end_time.data))


def _fill_session_form(form: SessionForm, session: Session, event: Event) -> None:
    form.session_type.data = session.session_type.value
    form.track.data = session.track_id or 0
    form.room.data = session.room_id or 0
    form.speakers.data = [s.id for s in session.speakers]
    if session.starts_at is not None:
        start = session.starts_at.astimezone(event.tz)
        form.day.data = start.date()
        form.start_time.data = start.time()
        form.end_time.data = session.ends_at.astimezone(event.tz).time()


def _edit_session(event: Event, session: Session, is_new: bool):
    form = SessionForm(obj=None if is_new else session)
    _session_form_choices(form, event)
    if not is_new and not form.is_submitted():
        _fill_session_form(form, session, event)
    warnings: list[dict] = []
    if form.validate_on_submit():
        try:
            starts_at, ends_at = _times(event, form)
            found = save_session(
                session,
                event=event,
                title=form.title.data,
                abstract=form.abstract.data or "",
                session_type=SessionType(form.session_type.data),
                track=(get_in_event_or_404(Track, event, form.track.data)
                       if form.track.data else None),
                room=get_in_event_or_404(Room, event, form.room.data) if form.room.data else None,
                starts_at=starts_at,
                ends_at=ends_at,
                speakers=[get_in_event_or_404(Speaker, event, i) for i in form.speakers.data],
                language=form.language.data,
                seat_capacity=form.seat_capacity.data,
                is_public=form.is_public.data,
                confirm_conflicts=form.confirm_conflicts.data,
            )
        except UnconfirmedConflicts as error:
            warnings = _described(error.details["conflicts"], event)
            db.session.rollback()
        except DomainError as error:
            db.session.rollback()
            target = getattr(form, error.details.get("field", "end_time"))
            target.errors = [*target.errors, str(error.message)]
        else:
            db.session.commit()
            if found:
                flash(_("Session saved with %(n)d conflict(s).", n=len(found)), "warning")
            else:
                flash(_("Session saved."), "success")
            return redirect(url_for("programme.index", slug=event.slug))
    return render_template("programme/session_form.html", event=event, form=form,
                           session=None if is_new else session, warnings=warnings)


@bp.route("/sessions/new", methods=["GET", "POST"])
@event_access("organizer")
def session_new(event: Event):
    return _edit_session(event, Session(), is_new=True)


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@event_access("organizer")
def session_edit(event: Event, session_id: int):
    return _edit_session(event, get_in_event_or_404(Session, event, session_id), is_new=False)


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@event_access("organizer")
def session_cancel(event: Event, session_id: int):
    session = get_in_event_or_404(Session, event, session_id)
    try:
        told = cancel_session(session)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Session cancelled; %(n)d attendee(s) will be told.", n=told), "success")
    return redirect(url_for("programme.index", slug=event.slug))


@bp.route("/sessions/<int:session_id>/restore", methods=["POST"])
@event_access("organizer")
def session_restore(event: Event, session_id: int):
    restore_session(get_in_event_or_404(Session, event, session_id))
    db.session.commit()
    flash(_("Session restored."), "success")
    return redirect(url_for("programme.index", slug=event.slug))


@bp.route("/sessions/<int:session_id>/move", methods=["GET", "POST"])
@event_access("organizer")
def session_move(event: Event, session_id: int):
    session = get_in_event_or_404(Session, event, session_id)
    form = MoveForm()
    _session_form_choices(form, event)
    if not form.is_submitted():
        form.room.data = session.room_id or 0
        day = request.args.get("day")
        if session.starts_at is not None:
            start = session.starts_at.astimezone(event.tz)
            form.day.data = start.date()
            form.start_time.data = start.time()
            form.end_time.data = session.ends_at.astimezone(event.tz).time()
        elif day:
            form.day.data = _parse_day(day, event)
    warnings: list[dict] = []
    if form.validate_on_submit():
        try:
            starts_at = local_instant(event, form.day.data, form.start_time.data)
            ends_at = local_instant(event, form.day.data, form.end_time.data)
            reschedule_session(
                session, starts_at=starts_at, ends_at=ends_at,
                room=get_in_event_or_404(Room, event, form.room.data) if form.room.data else None,
                confirm_conflicts=form.confirm_conflicts.data,
            )
        except UnconfirmedConflicts as error:
            warnings = _described(error.details["conflicts"], event)
            db.session.rollback()
        except DomainError as error:
            db.session.rollback()
            form.end_time.errors = [*form.end_time.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Session moved."), "success")
            return redirect(url_for("programme.grid", slug=event.slug,
                                    day=starts_at.astimezone(event.tz).date().isoformat()))
    return render_template("programme/move.html", event=event, form=form, session=session,
                           warnings=warnings)


# ---------------------------------------------------------------- agenda grid

def _parse_day(value: str | None, event: Event) -> dt.date:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return event.starts_on
    return day


@bp.route("/grid")
@event_access("organizer")
def grid(event: Event):
    day = _parse_day(request.args.get("day"), event)
    grid = build_grid(event, _sessions(event), rooms_of(event), day)
    unscheduled = [s for s in _sessions(event) if not s.is_scheduled]
    return render_template("programme/grid.html", event=event, day=day, grid=grid,
                           unscheduled=unscheduled)

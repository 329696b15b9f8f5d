"""Public programme, session pages, hall screens, exports and the personal agenda.

Attendees reach the starring and booking versions of the pages through their private
registration link (``/e/<slug>/r/<token>/...``); a wrong token gives 404.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.agenda.grid import build_grid, sessions_on
from conference.content import localize
from conference.extensions import db
from conference.inputs import parse_datetime, query_int
from conference.links import add_link
from conference.models import Event, Registration, SeatBooking, Session, SessionType
from conference.models.types import utcnow
from conference.security import (
    get_event_or_404,
    get_public_event_or_404,
    public,
    token_access,
    wants_json,
)
from conference.services import DomainError
from conference.services.partnering.calendar import meeting_vevents
from conference.services.programme.agenda import (
    feed_for,
    listed_session_or_none,
    listed_sessions,
    now_and_next,
    registration_for_feed,
    registration_for_token,
    star_session,
    starred_ids,
    starred_sessions,
    unstar_session,
)
from conference.services.programme.exports import (
    UnsupportedExportLanguage,
    calendar,
    export_language,
    programme_json,
    schedule_xml,
)
from conference.services.programme.sessions import rooms_of, tracks_of
from conference.services.programme.workshops import (
    book_seat,
    cancel_booking,
    has_booking,
    remaining_seats,
)

bp = Blueprint("agenda", __name__)


def _event_link(event: Event):
    return str(_l("Programme")), url_for("agenda.programme", slug=event.slug)


def _attendee_link(registration: Registration):
    return str(_l("My agenda and workshop seats")), url_for(
        "agenda.my_agenda", slug=registration.event.slug, token=registration.token)


bp.record_once(lambda state: add_link(state.app, "event", _event_link))
bp.record_once(lambda state: add_link(state.app, "attendee", _attendee_link))


# ---------------------------------------------------------------- helpers





def _registration_or_404(event: Event, token: str) -> Registration:
    registration = registration_for_token(event, token)
    if registration is None:
        abort(404)
    return registration


def _session_or_404(event: Event, session_id: int) -> Session:
    session = listed_session_or_none(event, session_id)
    if session is None:
        abort(404)
    return session


def _filters(event: Event) -> dict:
    """Track and type filters from the query string; unknown values are ignored."""
    track_id = query_int("track", minimum=1)
    tracks = {t.id: t for t in tracks_of(event)}
    type_value = request.args.get("type", "")
    session_type = next((t for t in SessionType if t.value == type_value), None)
    return {"track": tracks.get(track_id), "type": session_type, "tracks": list(tracks.values())}


def _programme_page(event: Event, registration: Registration | None):
    filters = _filters(event)
    sessions = listed_sessions(event)
    if filters["track"] is not None:
        sessions = [s for s in sessions if s.track_id == filters["track"].id]
    if filters["type"] is not None:
        sessions = [s for s in sessions if s.session_type is filters["type"]]
    days = event.days or sorted({s.starts_at.astimezone(event.tz).date() for s in sessions})
    try:
        day = dt.date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = days[0] if days else event.starts_on
    if day not in days:
        day = days[0] if days else event.starts_on
    rooms = rooms_of(event)
    used_rooms = [r for r in rooms if any(s.room is r for s in sessions_on(event, sessions, day))]
    return render_template(
        "agenda/programme.html",
        event=event,
        registration=registration,
        days=days,
        day=day,
        grid=build_grid(event, sessions, used_rooms, day),
        day_sessions=sessions_on(event, sessions, day),
        filters=filters,
        session_types=list(SessionType),
        starred=starred_ids(registration) if registration else set(),
    )


def _session_page(event: Event, session: Session, registration: Registration | None):
    return render_template(
        "agenda/session.html",
        event=event,
        session=session,
        registration=registration,
        remaining=remaining_seats(session),
        starred=session.id in starred_ids(registration) if registration else False,
        booked=has_booking(session, registration) if registration else False,
    )


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- public programme

@bp.route("/e/<slug>/programme")
@public
def programme(slug: str):
    return _programme_page(get_public_event_or_404(slug), None)


@bp.route("/e/<slug>/programme/<int:session_id>")
@public
def session_page(slug: str, session_id: int):
    event = get_public_event_or_404(slug)
    return _session_page(event, _session_or_404(event, session_id), None)


@bp.route("/e/<slug>/programme/now")
@public
def now_next(slug: str):
    """The hall screens: what runs now and what comes next; the page reloads itself."""
    event = get_public_event_or_404(slug)
    now = utcnow()
    at = request.args.get("at")
    if at:  # preview another moment, e.g. ?at=2026-05-12T10:15 (event time)
        parsed = parse_datetime(at)
        if parsed is None:
            abort(400)
        now = (parsed if parsed.tzinfo else parsed.replace(tzinfo=event.tz)).astimezone(dt.UTC)
    running, following = now_and_next(listed_sessions(event), now)
    return render_template("agenda/now.html", event=event, running=running,
                           following=following, now=now)


def _export_language(event: Event, default: str | None = None) -> str:
    """``?lang=`` of an export: one of the event's content languages (default: the event's
    default language, or ``default``); anything else is a 400, never another language."""
    requested = request.args.get("lang")
    if not requested and default in event.content_languages:
        return default
    try:
        return export_language(event, requested)
    except UnsupportedExportLanguage as error:
        abort(Response(f"{error.message}\n", status=400, mimetype="text/plain"))


@bp.route("/e/<slug>/programme.ics")
@public
def programme_ics(slug: str):
    event = get_public_event_or_404(slug)
    language = _export_language(event)
    return _ics(calendar(event, listed_sessions(event), language=language),
                f"{event.slug}.ics")


@bp.route("/e/<slug>/programme/<int:session_id>.ics")
@public
def session_ics(slug: str, session_id: int):
    event = get_public_event_or_404(slug)
    session = _session_or_404(event, session_id)
    language = _export_language(event)
    return _ics(calendar(event, [session], name=localize(session.title, language, event.language),
                         language=language),
                f"{event.slug}-{session.id}.ics")


@bp.route("/e/<slug>/programme.json")
@public
def programme_api(slug: str):
    event = get_public_event_or_404(slug)
    requested = request.args.get("lang")
    try:
        language = export_language(event, requested)
    except UnsupportedExportLanguage as error:
        return jsonify({"status": "error", "reason": error.code}), 400
    return jsonify(programme_json(event, listed_sessions(event), language=language))


@bp.route("/e/<slug>/schedule.xml")
@public
def schedule(slug: str):
    event = get_public_event_or_404(slug)
    language = _export_language(event)
    return Response(schedule_xml(event, listed_sessions(event), language=language),
                    mimetype="application/xml")


# ---------------------------------------------------------------- personal agenda

@bp.route("/e/<slug>/r/<token>/agenda")
@token_access
def my_agenda(slug: str, token: str):
    event = get_event_or_404(slug)
    registration = _registration_or_404(event, token)
    feed = feed_for(registration)
    db.session.commit()
    feed_url = current_app.config["BASE_URL"] + url_for(
        "agenda.feed", slug=event.slug, feed_token=feed.token)
    sessions = starred_sessions(registration)
    bookings = db.session.execute(
        db.select(Session).join(SeatBooking, SeatBooking.session_id == Session.id)
        .where(SeatBooking.registration_id == registration.id).order_by(Session.starts_at)
    ).scalars().all()
    return render_template("agenda/my_agenda.html", event=event, registration=registration,
                           sessions=sessions, bookings=bookings, feed_url=feed_url)


@bp.route("/e/<slug>/agenda/<feed_token>.ics")
@token_access
def feed(slug: str, feed_token: str):
    """The private calendar feed of starred and booked sessions (its own secret)."""
    event = get_event_or_404(slug)
    registration = registration_for_feed(event, feed_token)
    if registration is None:
        abort(404)
    sessions = {s.id: s for s in starred_sessions(registration)}
    for booking in db.session.execute(
        db.select(SeatBooking).where(SeatBooking.registration_id == registration.id)
    ).scalars():
        sessions.setdefault(booking.session_id, booking.session)
    ordered = sorted((s for s in sessions.values() if s.is_scheduled),
                     key=lambda s: s.starts_at)
    # The feed speaks the attendee's language unless ``?lang=`` asks for another.
    language = _export_language(event, default=registration.locale)
    interface = language if language in current_app.config["LANGUAGES"] else "en"
    with force_locale(interface):
        name = _("%(event)s: my agenda", event=localize(event.name, language, event.language))
    meetings = meeting_vevents(registration, language=language)
    return _ics(calendar(event, ordered, name=name, language=language, extra=meetings),
                "my-agenda.ics")


@bp.route("/e/<slug>/r/<token>/programme")
@token_access
def attendee_programme(slug: str, token: str):
    event = get_event_or_404(slug)
    return _programme_page(event, _registration_or_404(event, token))


@bp.route("/e/<slug>/r/<token>/programme/<int:session_id>")
@token_access
def attendee_session(slug: str, token: str, session_id: int):
    event = get_event_or_404(slug)
    registration = _registration_or_404(event, token)
    return _session_page(event, _session_or_404(event, session_id), registration)


def _back(event: Event, registration: Registration, session: Session):
    target = request.form.get("next", "")
    if target.startswith(f"/e/{event.slug}/r/{registration.token}/"):
        return redirect(target)
    return redirect(url_for("agenda.attendee_session", slug=event.slug,
                            token=registration.token, session_id=session.id))


def _attendee_action(slug: str, token: str, session_id: int, action, done_message: str):
    event = get_event_or_404(slug)
    registration = _registration_or_404(event, token)
    session = _session_or_404(event, session_id)
    try:
        action(session, registration)
    except DomainError as error:
        db.session.rollback()
        if wants_json():
            return jsonify(status="error", reason=error.code, message=str(error.message)), 409
        flash(str(error.message), "error")
        return _back(event, registration, session)
    db.session.commit()
    if wants_json():
        return jsonify(status="ok")
    flash(done_message, "success")
    return _back(event, registration, session)


@bp.route("/e/<slug>/r/<token>/programme/<int:session_id>/star", methods=["POST"])
@token_access
def star(slug: str, token: str, session_id: int):
    return _attendee_action(slug, token, session_id, lambda s, r: star_session(r, s),
                            _("Added to your agenda."))


@bp.route("/e/<slug>/r/<token>/programme/<int:session_id>/unstar", methods=["POST"])
@token_access
def unstar(slug: str, token: str, session_id: int):
    return _attendee_action(slug, token, session_id, lambda s, r: unstar_session(r, s),
                            _("Removed from your agenda."))


@bp.route("/e/<slug>/r/<token>/programme/<int:session_id>/book", methods=["POST"])
@token_access
def book(slug: str, token: str, session_id: int):
    return _attendee_action(slug, token, session_id, book_seat,
                            _("Your seat is booked."))


@bp.route("/e/<slug>/r/<token>/programme/<int:session_id>/unbook", methods=["POST"])
@token_access
def unbook(slug: str, token: str, session_id: int):
    return _attendee_action(slug, token, session_id, cancel_booking,
                            _("Your seat is given back."))

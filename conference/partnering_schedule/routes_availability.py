"""Attendees: which partnering slots they cannot meet in (private link)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference.extensions import db
from conference.inputs import form_ids
from conference.links import add_link
from conference.models import PartneringProfile, Registration
from conference.partnering_schedule.blueprint import bp
from conference.partnering_schedule.forms import AvailabilityForm
from conference.security import find_by_secret, get_event_or_404, token_access
from conference.services.partnering.availability import (
    marked_unavailable,
    meetings_in_marked_slots,
    programme_conflicts,
    save_unavailability,
)
from conference.services.partnering.errors import PartneringError
from conference.services.partnering.windows import settings_of, windows_of


def _active_profile(registration: Registration) -> PartneringProfile | None:
    return db.session.execute(
        db.select(PartneringProfile).where(PartneringProfile.registration_id == registration.id,
                                           PartneringProfile.left_at.is_(None))
    ).scalar_one_or_none()


def _attendee_link(registration: Registration):
    if _active_profile(registration) is None:
        return None
    return _("Partnering: when I can meet"), url_for(
        "partnering_schedule.availability", slug=registration.event.slug,
        token=registration.token)


bp.record_once(lambda state: add_link(state.app, "attendee", _attendee_link))


@bp.route("/e/<slug>/r/<token>/partnering/availability", methods=["GET", "POST"])
@token_access
def availability(slug: str, token: str):
    """A checklist of the partnering slots per window: ticked = "I cannot meet then".
    Slots filled by the person's programme are shown busy, with the session's title."""
    event = get_event_or_404(slug)
    registration = find_by_secret(Registration, event, token)
    if registration is None:
        abort(404)
    profile = _active_profile(registration)
    settings = settings_of(event)
    db.session.commit()
    form = AvailabilityForm()
    if profile is not None and settings.enabled and form.validate_on_submit():
        try:
            save_unavailability(profile, form_ids("unavailable"))
        except PartneringError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your availability is saved."), "success")
            for meeting in meetings_in_marked_slots(profile):
                flash(_("You have a meeting at %(time)s (table %(table)s, with %(name)s) in a "
                        "slot you marked: cancel it or ask the organizers to move it.",
                        time=meeting.slot.starts_at.astimezone(event.tz).strftime(
                            "%d.%m %H:%M"),
                        table=meeting.table_number,
                        name=meeting.other(profile.id).registration.full_name), "warning")
            return redirect(url_for("partnering_schedule.availability", slug=slug,
                                    token=token))
    windows = windows_of(event)
    slots = [slot for window in windows for slot in window.slots]
    programme = (programme_conflicts(event.id, [profile], slots).get(profile.id, {})
                 if profile is not None else {})
    marked = marked_unavailable(profile) if profile is not None else set()
    if request.method == "POST" and profile is not None and settings.enabled:
        marked = set(form_ids("unavailable"))
    return render_template("partnering_schedule/availability.html", event=event,
                           registration=registration, profile=profile,
                           open=settings.enabled, windows=windows, programme=programme,
                           marked=marked, form=form)

"""A participant's partnering meetings: the agenda page (also a section of the private
page), its PDF, and the rating of each meeting. The URL's registration token is the key."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from conference.extensions import db
from conference.i18n import use_person_language
from conference.models import MeetingRequest, Registration
from conference.models.types import utcnow
from conference.partnering_day.blueprint import bp
from conference.partnering_day.forms import RatingForm
from conference.security import find_by_secret, get_event_or_404, token_access
from conference.services.partnering import meetings as service
from conference.services.partnering.errors import PartneringError
from conference.services.partnering.sheets import agenda_pdf


def _registration_or_404(slug: str, token: str) -> Registration:
    registration = find_by_secret(Registration, get_event_or_404(slug), token)
    if registration is None:
        abort(404)
    use_person_language(registration.locale)
    return registration


def private_meetings(registration: Registration) -> dict | None:
    """What the private page's meetings section shows: None when the person has not
    joined partnering (the section is left out)."""
    profile = service.active_profile(registration)
    if profile is None:
        return None
    return {"published": service.is_published(registration.event),
            "entries": service.agenda(profile)}


bp.add_app_template_global(private_meetings, "partnering_private_meetings")
bp.add_app_template_global(service.list_label, "partnering_label")


def _page(registration: Registration, forms: dict | None = None, status: int = 200):
    profile = service.active_profile(registration)
    entries = service.agenda(profile) if profile else []
    forms = forms or {}
    for entry in entries:
        if entry.can_rate and entry.meeting.id not in forms:
            forms[entry.meeting.id] = RatingForm.for_meeting(entry.meeting.id, entry.rating,
                                                             formdata=None)
    return render_template(
        "partnering_day/meetings.html", event=registration.event, registration=registration,
        profile=profile, published=service.is_published(registration.event),
        entries=entries, forms=forms), status


@bp.route("/e/<slug>/r/<token>/partnering/meetings")
@token_access
def meetings_page(slug: str, token: str):
    """The person's meetings: time, table, partner and the partner's profile."""
    return _page(_registration_or_404(slug, token))


@bp.route("/e/<slug>/r/<token>/partnering/meetings.pdf")
@token_access
def meetings_pdf(slug: str, token: str):
    """The person's meetings as a printable PDF, in their language."""
    registration = _registration_or_404(slug, token)
    profile = service.active_profile(registration)
    if profile is None:
        abort(404)
    response = Response(agenda_pdf(profile, registration.locale or registration.event.language),
                        mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="my-meetings.pdf"'
    return response


@bp.route("/e/<slug>/r/<token>/partnering/meetings/<int:meeting_id>/rating",
          methods=["POST"])
@token_access
def rate(slug: str, token: str, meeting_id: int):
    """Save the person's rating of one of their meetings (changeable)."""
    registration = _registration_or_404(slug, token)
    profile = service.active_profile(registration)
    meeting = db.session.get(MeetingRequest, meeting_id)
    if (profile is None or meeting is None or meeting.event_id != registration.event_id
            or profile.id not in (meeting.requester_id, meeting.recipient_id)
            or not service.is_published(registration.event)):
        abort(404)
    form = RatingForm.for_meeting(meeting.id)
    if not form.validate_on_submit():
        return _page(registration, {meeting.id: form}, 400)
    try:
        service.rate_meeting(meeting, profile, rating=form.rating.data,
                             follow_up=form.follow_up.data, comment=form.comment.data or "",
                             now=utcnow())
    except PartneringError:
        db.session.rollback()
        form.rating.errors = [*form.rating.errors,
                              _("This meeting can be rated once it has started.")]
        return _page(registration, {meeting.id: form}, 400)
    db.session.commit()
    flash(_("Thank you: your rating is saved."), "success")
    return redirect(url_for("partnering_day.meetings_page", slug=slug, token=token,
                            _anchor=f"meeting-{meeting.id}"))

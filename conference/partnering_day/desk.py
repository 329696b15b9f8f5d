"""The partnering desk for door staff and organizers: scan the two badges of a meeting
to mark it held, or press Held / No-show in the list of the current slot's meetings.

The scan endpoint is JSON, called by the desk page with the session cookie and the CSRF
token in ``X-CSRFToken`` (as the check-in scanner does).
"""

from __future__ import annotations

import json

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.i18n import country_name, format_local_time
from conference.models import Event, MeetingOutcome, MeetingRequest, PartneringProfile
from conference.models.types import utcnow
from conference.partnering_day.blueprint import bp
from conference.security import event_access, get_in_event_or_404
from conference.services.partnering.desk import DeskResult, desk_scan
from conference.services.partnering.errors import DeskScanRefused, PartneringError
from conference.services.partnering.meetings import current_slot, record_outcome, slot_meetings

#: HTTP status of each refusal of the scan endpoint.
REFUSAL_STATUS = {"malformed": 400, "bad_json": 400, "unknown_code": 404, "wrong_event": 403,
                  "not_a_participant": 404, "no_meeting_now": 409, "not_partners": 409}
REFUSAL_MESSAGES = {
    "malformed": _l("This is not a badge code."),
    "bad_json": _l("The scanner sent something the server does not understand."),
    "unknown_code": _l("Unknown badge."),
    "wrong_event": _l("This badge belongs to another event."),
    "not_a_participant": _l("%(name)s has not joined partnering."),
    "no_meeting_now": _l("%(name)s has no meeting now."),
    "not_partners": _l("%(name)s is not the partner of the first badge: start again."),
}
OUTCOMES = {"held": MeetingOutcome.HELD, "no_show": MeetingOutcome.NO_SHOW}


def _side(profile: PartneringProfile) -> dict:
    registration = profile.registration
    return {"name": registration.full_name, "organization": registration.organization,
            "country": country_name(profile.country) if profile.country else ""}


def _meeting_json(event: Event, meeting: MeetingRequest) -> dict:
    return {"id": meeting.id, "table": meeting.table_number,
            "starts_at": meeting.slot.starts_at.isoformat(),
            "time": format_local_time(meeting.slot.starts_at, event.tz),
            "outcome": meeting.outcome.value if meeting.outcome else None}


def _result_json(event: Event, result: DeskResult) -> dict:
    person, partner = _side(result.profile), _side(result.partner)
    table = result.meeting.table_number
    if result.code == "waiting":
        message = _("Table %(table)s at %(time)s: %(name)s meets %(partner)s", table=table,
                    time=format_local_time(result.meeting.slot.starts_at, event.tz),
                    name=person["name"], partner=partner["name"])
        detail = _("Now scan the badge of %(partner)s.", partner=partner["name"])
    elif result.code == "held":
        message = _("Meeting held: %(name)s and %(partner)s", name=person["name"],
                    partner=partner["name"])
        detail = _("Table %(table)s", table=table)
    else:
        message = _("Already marked as held: %(name)s and %(partner)s", name=person["name"],
                    partner=partner["name"])
        detail = _("Table %(table)s", table=table)
    return {"status": "ok", "result": result.code, "message": message, "detail": detail,
            "person": person, "partner": partner, "meeting": _meeting_json(event, result.meeting)}


def _refusal(event: Event, error: DeskScanRefused):
    name = error.details.get("name", "")
    data = {"status": "error", "reason": error.code,
            "message": str(REFUSAL_MESSAGES.get(error.code, error.code)) % {"name": name}}
    upcoming = error.details.get("next_meeting")
    if upcoming is not None:
        data["detail"] = _("Next meeting: %(time)s at table %(table)s",
                           time=format_local_time(upcoming.slot.starts_at, event.tz),
                           table=upcoming.table_number)
        data["next_meeting"] = _meeting_json(event, upcoming)
    return jsonify(data), REFUSAL_STATUS.get(error.code, 400)


@bp.route("/checkin/<slug>/partnering")
@event_access("door")
def desk(event: Event):
    """The desk page: badge scanner (camera or USB scanner) and the current slot's list."""
    now = utcnow()
    slot = current_slot(event, now)
    config = {
        "scanUrl": url_for("partnering_day.api_scan", slug=event.slug),
        "locale": str(get_locale()),
        "quietSeconds": current_app.config["CHECKIN_QUIET_SECONDS"],
        "texts": {
            "ready": _("Scan the first badge of a meeting"),
            "cameraOn": _("Stop camera"),
            "cameraOff": _("Scan with camera"),
            "cameraError": _("The camera cannot be used: %(error)s", error="{error}"),
            "offline": _("No connection: scan again when the connection is back."),
        },
    }
    return render_template("partnering_day/desk.html", event=event, slot=slot,
                           meetings=slot_meetings(event, slot) if slot else [],
                           config=json.dumps(config))


@bp.route("/checkin/api/<slug>/partnering/scan", methods=["POST"])
@event_access("door")
def api_scan(event: Event):
    """``{"code": <badge>, "first_code": <the first badge, or null>}``: the first badge
    gives the person's meeting now; the partner's badge with it marks the meeting held."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or "code" not in data:
        return _refusal(event, DeskScanRefused("bad_json"))
    first_code = data.get("first_code") or None
    try:
        result = desk_scan(event, data["code"], first_code=first_code, now=utcnow())
    except DeskScanRefused as error:
        db.session.rollback()
        return _refusal(event, error)
    db.session.commit()
    return jsonify(_result_json(event, result))


@bp.route("/checkin/<slug>/partnering/meetings/<int:meeting_id>/outcome", methods=["POST"])
@event_access("door")
def outcome(event: Event, meeting_id: int):
    """The Held / No-show buttons of the desk's list."""
    meeting = get_in_event_or_404(MeetingRequest, event, meeting_id)
    chosen = OUTCOMES.get(request.form.get("outcome", ""))
    if chosen is None:
        flash(_("Choose held or no-show."), "error")
        return redirect(url_for("partnering_day.desk", slug=event.slug)), 303
    try:
        record_outcome(meeting, chosen, now=utcnow())
    except PartneringError:
        db.session.rollback()
        flash(_("This meeting has no table and time (it may have been cancelled)."), "error")
        return redirect(url_for("partnering_day.desk", slug=event.slug)), 303
    db.session.commit()
    names = " – ".join(side.registration.full_name
                       for side in (meeting.requester, meeting.recipient))
    flash(_("Held: %(names)s", names=names) if chosen is MeetingOutcome.HELD
          else _("No-show: %(names)s", names=names), "success")
    return redirect(url_for("partnering_day.desk", slug=event.slug))

"""Check-in: the door staff's scanner pages, its JSON API, and the organizers' dashboard.

The JSON API is called by the logged-in scanner page with the session cookie, so it keeps
Flask-WTF's CSRF protection: the page sends the token in the ``X-CSRFToken`` header (read
from a data attribute). Exempting it would let any site a door phone visits check badges
in through that phone's session.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from conference.checkin.forms import EntranceForm, RuleForm
from conference.checkin.messages import (
    BADGE_ROLE_LABELS,
    VERDICT_LABELS,
    message_templates,
    verdict_texts,
)
from conference.extensions import db, login_manager
from conference.i18n import format_local_time
from conference.inputs import FieldRefused, json_fields
from conference.links import add_link
from conference.models import CheckIn, CheckInConflict, CheckinRule, Checkpoint, Event
from conference.models.types import utcnow
from conference.security import (
    access_checked_by_view,
    event_access,
    get_in_event_or_404,
    login_required,
    public,
    session_account,
)
from conference.services.checkin.checkpoints import (
    CheckpointError,
    add_entrance,
    checkpoints_of,
    ensure_checkpoints,
    masked_email,
    search_registrations,
    set_checkin_rule,
)
from conference.services.checkin.core import CheckinError, record_scan, undo_check_in
from conference.services.checkin.door import autocommit_scans, door_access, ticket_code_of
from conference.services.checkin.offline import (
    OfflineScan,
    offline_bundle,
    open_conflicts,
    resolve_conflict,
    sync_offline_scans,
)
from conference.services.checkin.stats import checkin_stats, recent_check_ins
from conference.urls import MAX_DATABASE_ID

bp = Blueprint("checkin", __name__)

#: Largest offline upload accepted in one request.
MAX_SYNC_SCANS = 2000
SOURCES = {"camera", "keyboard", "search", "api"}

STATE_LABELS = {
    "confirmed": _l("Confirmed"),
    "pending": _l("Pending approval"),
    "waitlisted": _l("Waitlisted"),
    "cancelled": _l("Cancelled"),
    "rejected": _l("Rejected"),
}
#: How often a badge may pass a checkpoint, as the scanner and the dashboard say it.
RULE_LABELS = {
    CheckinRule.ONCE: _l("One entry for the whole event"),
    CheckinRule.DAILY: _l("One entry per day"),
    CheckinRule.UNLIMITED: _l("Unlimited entries"),
}


def _staff_link(event: Event):
    if current_user.is_authenticated and current_user.can_check_in(event):
        return _("Check-in"), url_for("checkin.start", _anchor=f"event-{event.slug}")
    return None


def _manage_link(event: Event):
    return _("Check-in dashboard"), url_for("checkin.dashboard", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "staff", _staff_link))
bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


# ---------------------------------------------------------------------------------------
# Door staff pages


@bp.route("/checkin/")
@login_required
def start():
    """Choose the event and the checkpoint."""
    if current_user.is_superuser:
        events = db.session.execute(db.select(Event).order_by(Event.starts_on.desc())).scalars()
    else:
        events = sorted(current_user.events, key=lambda e: e.starts_on, reverse=True)
    events = [e for e in events if current_user.can_check_in(e)]
    return render_template(
        "checkin/start.html", events=[(e, checkpoints_of(e)) for e in events]
    )


@bp.route("/checkin/sw.js")
@public
def service_worker():
    """The scanner's service worker (``static/js/checkin_sw.js``), served under /checkin/ so
    that its scope covers every scanner page: it keeps the page, its scripts and styles and
    the offline list, so a scanner reloaded without a connection still works."""
    script = Path(current_app.static_folder, "js", "checkin_sw.js").read_text(encoding="utf-8")
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = url_for("checkin.start")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/checkin/manifest.webmanifest")
@public
def manifest():
    """The web app manifest: the scanner can be installed on a phone's home screen."""
    data = {
        "name": _("LifeScience Open Space check-in"),
        "short_name": _("Check-in"),
        "start_url": url_for("checkin.start"),
        "scope": url_for("checkin.start"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6b4f",
        "lang": str(get_locale()),
        "icons": [{"src": url_for("static", filename="img/checkin-icon.svg"),
                   "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    response = current_app.response_class(json.dumps(data),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/checkin/<slug>/setup", methods=["POST"])
@event_access("door")
def setup(event: Event):
    """Create the main entrance and the workshop checkpoints."""
    ensure_checkpoints(event)
    db.session.commit()
    flash(_("Checkpoints are ready."), "success")
    return redirect(url_for("checkin.start", _anchor=f"event-{event.slug}"))


@bp.route("/checkin/<slug>/<int:checkpoint_id>")
@event_access("door")
def scanner(event: Event, checkpoint_id: int):
    checkpoint = _checkpoint_or_404(event, checkpoint_id)
    config = {
        "scanUrl": url_for("checkin.api_scan", slug=event.slug),
        "searchUrl": url_for("checkin.api_search", slug=event.slug),
        "offlineUrl": url_for("checkin.api_offline", slug=event.slug,
                              checkpoint_id=checkpoint.id),
        "syncUrl": url_for("checkin.api_sync", slug=event.slug, checkpoint_id=checkpoint.id),
        "checkpoint": checkpoint.id,
        "checkpointName": checkpoint.name,
        "event": event.slug,
        "timezone": event.timezone,
        "rule": checkpoint.rule.value,
        "locale": str(get_locale()),
        "quietSeconds": current_app.config["CHECKIN_QUIET_SECONDS"],
        "serviceWorker": url_for("checkin.service_worker"),
        "serviceWorkerScope": url_for("checkin.start"),
        "messages": message_templates(),
        "texts": {
            "waiting": _("Offline: %(count)s scans waiting", count="{count}"),
            "offline": _("Offline"),
            "online": _("Online"),
            "offlineReady": _("Offline list ready: %(count)s people", count="{count}"),
            "offlineMissing": _("No offline list: scans will wait for the connection."),
            "synced": _("Uploaded %(count)s offline scans.", count="{count}"),
            "ready": _("Ready to scan"),
            "cameraOn": _("Stop camera"),
            "cameraOff": _("Scan with camera"),
            "cameraError": _("The camera cannot be used: %(error)s", error="{error}"),
            "confirm": _("Check in %(name)s?", name="{name}"),
            "noResults": _("Nobody found."),
            "alreadyIn": _("Already in since %(time)s at %(checkpoint)s", time="{time}",
                           checkpoint="{checkpoint}"),
            "error": _("The server refused the scan: %(reason)s", reason="{reason}"),
            "states": {k: str(v) for k, v in STATE_LABELS.items()},
        },
    }
    return render_template("checkin/scanner.html", event=event, checkpoint=checkpoint,
                           config=json.dumps(config), RULE_LABELS=RULE_LABELS)


# ---------------------------------------------------------------------------------------
# JSON API (documented in README.md)


def _error(reason: str, status: int = 400, **extra):
    return jsonify(status="error", reason=reason, **extra), status


#: Fields of a scan (``json_fields`` refuses another type with ``bad_<field>``); ids are
#: checked by the views (a well-formed unknown id is a 404, not a 400), and the code may
#: be anything a badge could hold: the service judges it (``malformed``).
SCAN_FIELDS = {"code": object, "nonce": (str, type(None)),
               "checkpoint": (int, str, bool, type(None)), "source": (str, type(None)),
               "registration_id": (int, str, type(None))}
OFFLINE_SCAN_FIELDS = {"nonce": str, "code": object,
                       "registration_id": (int, str, type(None)),
                       "scanned_at": dt.datetime, "local_verdict": (str, type(None))}


def _json_body() -> dict | None:
    """The JSON object of the request (``conference.inputs`` refused any other body)."""
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


def _is_id(value: object) -> bool:
    """A plausible primary key (databases refuse integers beyond 32 bits with an error)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_DATABASE_ID


def _checkpoint_or_404(event: Event, checkpoint_id: int) -> Checkpoint:
    return get_in_event_or_404(Checkpoint, event, checkpoint_id)


def _verdict_json(verdict, tz) -> dict:
    title, detail = verdict_texts(verdict, tz)
    return {"status": "ok", "verdict": verdict.as_dict(), "message": title, "detail": detail}


@bp.route("/checkin/api/<slug>/scan", methods=["POST"])
@access_checked_by_view("door")
def api_scan(slug: str):
    """Scan one badge: ``{"code", "nonce", "checkpoint"}`` (or ``registration_id`` instead
    of ``code`` after a name search) gives the verdict.

    The door's busiest request: the account, its right to check in at the event and the
    checkpoint come from one query, and on PostgreSQL the scan is one more statement.
    """
    account = session_account()
    if account is None:
        return login_manager.unauthorized()
    autocommit_scans()
    data = _json_body()
    checkpoint_id = data.get("checkpoint") if data else None
    access = door_access(slug, checkpoint_id if _is_id(checkpoint_id) else None, *account)
    if access is None or not access.logged_in:
        return login_manager.unauthorized()
    if not access.event_found:
        abort(404)
    if not access.allowed:
        abort(403)
    if data is None:
        return _error("bad_json")
    data = json_fields(data, SCAN_FIELDS)
    if not isinstance(checkpoint_id, int) or isinstance(checkpoint_id, bool):
        return _error("bad_checkpoint")
    point = access.point
    if point is None:
        return _error("unknown_checkpoint", 404)
    if not isinstance(data.get("nonce"), str):  # the API always needs one (safe retries)
        return _error("bad_nonce")
    source = data.get("source") if data.get("source") in SOURCES else "api"
    code = data.get("code")
    if "registration_id" in data:
        registration_id = data["registration_id"]
        code = ticket_code_of(point.event_id, registration_id) if _is_id(registration_id) else None
        if code is None:
            return _error("unknown_registration", 404)
        source = "search"
    try:
        verdict = record_scan(point, code, user_id=account[0], nonce=data["nonce"],
                              source=source)
    except CheckinError as error:
        db.session.rollback()
        return _error(error.code, 409 if error.code == "nonce_reused" else 400)
    db.session.commit()
    return jsonify(_verdict_json(verdict, point.tz))


@bp.route("/checkin/api/<slug>/search")
@event_access("door")
def api_search(event: Event):
    """People of the event matching ``q`` (forgotten badge); with ``checkpoint`` (an id),
    each says whether that person is already in there."""
    query = request.args.get("q", "")[:100]
    checkpoint = None
    checkpoint_id = request.args.get("checkpoint", type=int)
    if checkpoint_id is not None:
        checkpoint = _checkpoint_or_404(event, checkpoint_id) if _is_id(checkpoint_id) else None
        if checkpoint is None:
            return _error("unknown_checkpoint", 404)
    results = []
    for hit in search_registrations(event, query, checkpoint=checkpoint):
        r = hit.registration
        entered = None
        if hit.entered_at is not None:
            entered = _("Already in since %(time)s at %(checkpoint)s",
                        time=format_local_time(hit.entered_at, event.tz),
                        checkpoint=hit.entered_checkpoint)
        results.append({
            "id": r.id, "name": r.full_name, "organization": r.organization,
            "email": masked_email(r.email),
            "ticket_type": r.ticket_type.name, "state": r.state.value,
            "state_label": str(STATE_LABELS[r.state.value]),
            "role": str(BADGE_ROLE_LABELS[r.badge_role.value]),
            "checked_in_at": hit.entered_at.isoformat() if hit.entered_at else None,
            "checked_in_label": entered,
        })
    return jsonify(status="ok", results=results)


@bp.route("/checkin/api/<slug>/<int:checkpoint_id>/offline")
@event_access("door")
def api_offline(event: Event, checkpoint_id: int):
    """What the scanner needs to keep giving verdicts without a connection."""
    bundle = offline_bundle(event, _checkpoint_or_404(event, checkpoint_id))
    response = jsonify(status="ok", **bundle)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/checkin/api/<slug>/<int:checkpoint_id>/sync", methods=["POST"])
@event_access("door")
def api_sync(event: Event, checkpoint_id: int):
    """Upload scans made offline: ``{"scans": [{nonce, code | registration_id, scanned_at,
    local_verdict}]}``; the server replays them in scan order (first scan wins)."""
    checkpoint = _checkpoint_or_404(event, checkpoint_id)
    data = _json_body()
    if data is None or not isinstance(data.get("scans"), list):
        return _error("bad_json")
    if len(data["scans"]) > MAX_SYNC_SCANS:
        return _error("too_many_scans", 413)
    # Items are judged one by one: a malformed or refused scan is reported in "rejected"
    # (the device drops it from its queue) and never blocks the others.
    scans, rejected = [], []
    for index, item in enumerate(data["scans"]):
        scan = _offline_scan(event, item)
        if scan is None:
            nonce = item.get("nonce") if isinstance(item, dict) else None
            rejected.append({"index": index, "nonce": nonce if isinstance(nonce, str) else None,
                             "reason": "bad_scan"})
        else:
            scans.append(scan)
    result = sync_offline_scans(event, checkpoint, scans, user=current_user)
    db.session.commit()
    rejected += [{"nonce": nonce, "reason": reason} for nonce, reason in result.rejected]
    return jsonify(
        status="ok",
        results=[{"nonce": nonce, "verdict": verdict.code} for nonce, verdict in result.verdicts],
        rejected=rejected,
        conflicts=len(result.conflicts),
    )


def _offline_scan(event: Event, item: object) -> OfflineScan | None:
    """The scan, or None when a field is missing or of the wrong type (``scanned_at`` must
    be an aware ISO 8601 time within ``conference.inputs.SANE_YEARS``)."""
    if not isinstance(item, dict):
        return None
    try:
        fields = json_fields(item, OFFLINE_SCAN_FIELDS)
    except FieldRefused:
        return None
    if "nonce" not in fields or "scanned_at" not in fields:
        return None
    code = fields.get("code")
    if "registration_id" in fields:
        registration_id = fields["registration_id"]
        code = ticket_code_of(event.id, registration_id) if _is_id(registration_id) else None
    return OfflineScan(nonce=fields["nonce"], code=code if isinstance(code, str) else "",
                       scanned_at=fields["scanned_at"],
                       local_verdict=fields.get("local_verdict") or "")


# ---------------------------------------------------------------------------------------
# Organizers' dashboard


@bp.route("/manage/<slug>/checkin")
@event_access("organizer")
def dashboard(event: Event):
    checkpoints = checkpoints_of(event, active_only=False)
    return render_template("checkin/dashboard.html", event=event, form=EntranceForm(),
                           rule_forms={c.id: RuleForm.for_checkpoint(c) for c in checkpoints},
                           RULE_LABELS=RULE_LABELS, **_live_context(event))


@bp.route("/manage/<slug>/checkin/live")
@event_access("organizer")
def dashboard_live(event: Event):
    """The numbers part of the dashboard, fetched again every few seconds by its script."""
    return render_template("checkin/_live.html", event=event, **_live_context(event))


def _live_context(event: Event) -> dict:
    return {
        "stats": checkin_stats(event),
        "recent": recent_check_ins(event),
        "conflicts": open_conflicts(event),
        "checkpoints": checkpoints_of(event, active_only=False),
        "now": utcnow(),
        "VERDICT_LABELS": VERDICT_LABELS,
    }


@bp.route("/manage/<slug>/checkin/checkpoints", methods=["POST"])
@event_access("organizer")
def add_checkpoint(event: Event):
    form = EntranceForm()
    if form.validate_on_submit():
        ensure_checkpoints(event)
        add_entrance(event, form.name.data)
        db.session.commit()
        flash(_("Entrance added."), "success")
    else:
        flash(_("Give the entrance a name."), "error")
    return redirect(url_for("checkin.dashboard", slug=event.slug))


@bp.route("/manage/<slug>/checkin/checkpoints/<int:checkpoint_id>/rule", methods=["POST"])
@event_access("organizer")
def set_rule(event: Event, checkpoint_id: int):
    """How often a badge may pass the checkpoint (an entrance: all entrances)."""
    checkpoint = _checkpoint_or_404(event, checkpoint_id)
    form = RuleForm.for_checkpoint(checkpoint)
    if not form.validate_on_submit():
        flash(_("Choose one of the check-in rules."), "error")
        return redirect(url_for("checkin.dashboard", slug=event.slug))
    try:
        set_checkin_rule(event, checkpoint, None if form.rule.data == "event" else form.rule.data)
    except CheckpointError:
        db.session.rollback()
        flash(_("Choose one of the check-in rules."), "error")
        return redirect(url_for("checkin.dashboard", slug=event.slug))
    db.session.commit()
    if checkpoint.is_entrance:
        flash(_("Rule of all entrances: %(rule)s.", rule=RULE_LABELS[event.checkin_rule]),
              "success")
    else:
        flash(_("Rule of %(name)s: %(rule)s.", name=checkpoint.name,
                rule=RULE_LABELS[checkpoint.rule]), "success")
    return redirect(url_for("checkin.dashboard", slug=event.slug))


@bp.route("/manage/<slug>/checkin/setup", methods=["POST"])
@event_access("organizer")
def manage_setup(event: Event):
    ensure_checkpoints(event)
    db.session.commit()
    flash(_("Checkpoints are ready."), "success")
    return redirect(url_for("checkin.dashboard", slug=event.slug))


@bp.route("/manage/<slug>/checkin/<int:checkin_id>/undo", methods=["POST"])
@event_access("organizer")
def undo(event: Event, checkin_id: int):
    entry = get_in_event_or_404(CheckIn, event, checkin_id)
    name = entry.registration.full_name
    undo_check_in(entry, user=current_user)
    db.session.commit()
    flash(_("Check-in of %(name)s undone.", name=name), "success")
    return redirect(url_for("checkin.dashboard", slug=event.slug))


@bp.route("/manage/<slug>/checkin/conflicts/<int:conflict_id>/resolve", methods=["POST"])
@event_access("organizer")
def resolve(event: Event, conflict_id: int):
    conflict = get_in_event_or_404(CheckInConflict, event, conflict_id)
    resolve_conflict(conflict)
    db.session.commit()
    flash(_("Conflict marked as resolved."), "success")
    return redirect(url_for("checkin.dashboard", slug=event.slug))

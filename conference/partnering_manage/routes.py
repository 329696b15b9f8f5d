"""Organizer partnering pages: the hub (counts and links), the settings, the participants
list and its exports (logged: personal data)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from conference.audit import log_export
from conference.extensions import db
from conference.links import add_link
from conference.models import Event
from conference.partnering_manage.forms import PartneringSettingsForm
from conference.security import event_access
from conference.services.partnering.errors import InvalidPartneringSettings
from conference.services.partnering.participants import (
    export_csv,
    export_xlsx,
    hub_counts,
    participant_rows,
)
from conference.services.partnering.settings import (
    cooperation_type_choices,
    partnering_settings,
    save_settings,
    sector_choices,
)
from conference.services.reports.settings import organisation_types

bp = Blueprint("partnering_manage", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Partnering"), url_for("partnering_manage.overview", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


@bp.route("/manage/<slug>/partnering/")
@event_access("organizer")
def overview(event: Event):
    return render_template("partnering_manage/overview.html", event=event,
                           settings=partnering_settings(event), counts=hub_counts(event))


@bp.route("/manage/<slug>/partnering/settings", methods=["GET", "POST"])
@event_access("organizer")
def settings(event: Event):
    row = partnering_settings(event)
    form = PartneringSettingsForm(obj=row)
    if form.validate_on_submit():
        try:
            save_settings(event, enabled=form.enabled.data, sectors=form.sectors.data,
                          cooperation_types=form.cooperation_types.data,
                          max_requests_sent=form.max_requests_sent.data,
                          max_meetings=form.max_meetings.data)
        except InvalidPartneringSettings as error:
            db.session.rollback()
            field = form[error.details.get("field", "sectors")]
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            flash(_("Partnering settings saved."), "success")
            return redirect(url_for("partnering_manage.overview", slug=event.slug))
    return render_template("partnering_manage/settings.html", event=event, form=form), \
        400 if form.is_submitted() and form.errors else 200


@bp.route("/manage/<slug>/partnering/participants")
@event_access("organizer")
def participants(event: Event):
    language = str(get_locale())
    return render_template(
        "partnering_manage/participants.html", event=event, rows=participant_rows(event),
        sector_label=dict(sector_choices(event, language)),
        type_label=dict(cooperation_type_choices(event, language)),
        organisation_label=dict(organisation_types(event, language)))


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/manage/<slug>/partnering/participants.csv")
@event_access("organizer")
def participants_csv(event: Event):
    data, count = export_csv(event)
    log_export("partnering.participants.csv", event=event, row_count=count)
    return _download(data, f"{event.slug}-partnering.csv", "text/csv")


@bp.route("/manage/<slug>/partnering/participants.xlsx")
@event_access("organizer")
def participants_xlsx(event: Event):
    data, count = export_xlsx(event)
    log_export("partnering.participants.xlsx", event=event, row_count=count)
    return _download(data, f"{event.slug}-partnering.xlsx", XLSX)

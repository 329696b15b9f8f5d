"""Funder reports: the indicators page with its settings, attendance sheets per day and
per session (XLSX at once; PDF as a job with progress, downloaded from the job page), the
indicators workbook. Every download is logged."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from conference.audit import log_export
from conference.content import localize
from conference.extensions import db
from conference.i18n import country_name
from conference.jobs import dispatch
from conference.links import add_link
from conference.models import Event, Session
from conference.reports.forms import ReportSettingsForm, StartSheetForm
from conference.security import event_access, get_in_event_or_404
from conference.services.certificates.errors import InvalidImage
from conference.services.reports.attendance import (
    checked_in_sessions,
    day_sheet,
    session_sheet,
)
from conference.services.reports.documents import attendance_xlsx, indicators_xlsx
from conference.services.reports.indicators import compute_indicators
from conference.services.reports.settings import (
    ReportSettingsError,
    funder_logo_path,
    organisation_type_label,
    report_settings,
    save_report_settings,
)
from conference.services.reports.sheet_jobs import (
    SheetNotFound,
    sheet_title,
    start_attendance_pdf,
)

bp = Blueprint("reports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Funder reports"), url_for("reports.index", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


def _language() -> str:
    return str(get_locale())


def _with_times() -> bool:
    return request.args.get("times") == "1"


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/manage/<slug>/reports", methods=["GET", "POST"])
@event_access("organizer")
def index(event: Event):
    settings = report_settings(event)
    form = ReportSettingsForm(obj=settings)
    if form.validate_on_submit():
        upload = form.funder_logo.data
        try:
            save_report_settings(
                event, funder_name=form.funder_name.data,
                organisation_types_text=form.organisation_types.data,
                funder_logo=upload.read() if upload else None,
                remove_funder_logo=form.remove_funder_logo.data)
        except InvalidImage as error:
            db.session.rollback()
            form.funder_logo.errors = [*form.funder_logo.errors, error.message]
        except ReportSettingsError as error:
            db.session.rollback()
            form.organisation_types.errors = [*form.organisation_types.errors, error.message]
        else:
            db.session.commit()
            flash(_("Report settings saved."), "success")
            return redirect(url_for("reports.index", slug=event.slug))
    figures = compute_indicators(event)
    language = _language()
    return render_template(
        "reports/index.html", event=event, form=form, figures=figures,
        tables=_figure_tables(event, figures, language), sessions=checked_in_sessions(event),
        has_funder_logo=funder_logo_path(event) is not None,
        session_title=lambda session: localize(session.title, language, event.language)), \
        400 if form.is_submitted() and form.errors else 200


def _figure_tables(event: Event, figures, language: str) -> list[tuple[str, str, list]]:
    """(heading, first column, [(label, people)]) of each table and chart on the page."""
    not_given = _("not given")
    return [
        (_("Per country"), _("Country"),
         [(country_name(code) if code else not_given, n) for code, n in figures.per_country]),
        (_("Per organisation type"), _("Organisation type"),
         [(organisation_type_label(event, key, language) if key else not_given, n)
          for key, n in figures.per_organisation_type]),
        (_("Per day"), _("Day"), [(format_date(day, "full"), n) for day, n in figures.per_day]),
        (_("Per session"), _("Session"),
         [(localize(session.title, language, event.language), n)
          for session, n in figures.per_session]),
    ]


def _day_or_404(event: Event, day: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(day)
    except ValueError:
        abort(404)
    if value not in event.days:
        abort(404)
    return value


def _day_title(event: Event, day: dt.date) -> str:
    return sheet_title(event, language=_language(), day=day)


def _session_title(event: Event, session: Session) -> str:
    return sheet_title(event, language=_language(), session=session)


def _sheet_download(event: Event, *, title: str, rows, kind: str, filters: dict,
                    filename: str) -> Response:
    """An attendance sheet as a workbook, its export logged (who saw whose names)."""
    data = attendance_xlsx(event, title, rows, language=_language(), with_times=_with_times())
    log_export(f"reports.attendance_{kind}.xlsx", event=event,
               filters={**filters, "times": int(_with_times())}, row_count=len(rows))
    return _download(data, f"{filename}.xlsx", XLSX)


def _start_pdf(event: Event, **target) -> Response:
    """Start the sheet as PDF (a job) and show its progress; the job page downloads it."""
    if not StartSheetForm().validate_on_submit():
        abort(400)
    try:
        job, created = start_attendance_pdf(event, language=_language(),
                                            with_times=_with_times(), user=current_user,
                                            **target)
    except SheetNotFound:
        db.session.rollback()
        abort(404)
    db.session.commit()
    if created:
        dispatch(job)
    else:
        flash(_("This work was already started; here is its progress."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))


@bp.route("/manage/<slug>/reports/attendance/<day>/pdf", methods=["POST"])
@event_access("organizer")
def day_pdf(event: Event, day: str):
    return _start_pdf(event, day=_day_or_404(event, day))


@bp.route("/manage/<slug>/reports/attendance/<day>.xlsx")
@event_access("organizer")
def day_xlsx(event: Event, day: str):
    date = _day_or_404(event, day)
    return _sheet_download(event, title=_day_title(event, date), rows=day_sheet(event, date),
                           kind="day", filters={"day": date.isoformat()},
                           filename=f"{event.slug}-attendance-{date.isoformat()}")


@bp.route("/manage/<slug>/reports/attendance/session/<int:session_id>/pdf", methods=["POST"])
@event_access("organizer")
def session_pdf(event: Event, session_id: int):
    return _start_pdf(event, session=get_in_event_or_404(Session, event, session_id))


@bp.route("/manage/<slug>/reports/attendance/session/<int:session_id>.xlsx")
@event_access("organizer")
def session_xlsx(event: Event, session_id: int):
    session = get_in_event_or_404(Session, event, session_id)
    return _sheet_download(event, title=_session_title(event, session),
                           rows=session_sheet(session), kind="session",
                           filters={"session_id": session.id},
                           filename=f"{event.slug}-attendance-session-{session.id}")


@bp.route("/manage/<slug>/reports/indicators.xlsx")
@event_access("organizer")
def indicators(event: Event):
    figures = compute_indicators(event)
    data = indicators_xlsx(event, figures, language=_language())
    log_export("reports.indicators.xlsx", event=event, row_count=figures.unique_participants)
    return _download(data, f"{event.slug}-indicators.xlsx", XLSX)

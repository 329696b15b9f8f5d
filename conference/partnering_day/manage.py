"""Organizer pages of the partnering day: the table plan (page and PDF), the per-table
sheets (PDF), and the statistics (page with charts, XLSX)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from conference.audit import log_export
from conference.extensions import db
from conference.i18n import country_name
from conference.jobs import dispatch
from conference.links import add_link
from conference.models import Event
from conference.partnering_day.blueprint import bp
from conference.partnering_day.forms import ActionForm
from conference.security import event_access
from conference.services.partnering.meetings import list_label, partnering_settings
from conference.services.partnering.sheets import (
    TABLE_PLAN,
    TABLE_SHEETS,
    start_document_job,
    table_plan,
    table_sheets_pdf,
)
from conference.services.partnering.stats import partnering_stats, stats_xlsx, summary_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENTS = {"plan": TABLE_PLAN, "sheets": TABLE_SHEETS}


def partnering_in_use(event: Event) -> bool:
    """True when the event has partnering set up (links to these pages make sense)."""
    return partnering_settings(event) is not None


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)
            and partnering_in_use(event)):
        return None
    return _("Partnering table plan and statistics"), url_for("partnering_day.tables",
                                                              slug=event.slug)


def _staff_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_check_in(event)
            and partnering_in_use(event)):
        return None
    return _("Partnering desk"), url_for("partnering_day.desk", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))
bp.record_once(lambda state: add_link(state.app, "staff", _staff_link))
bp.add_app_template_global(partnering_in_use, "partnering_in_use")


def _language() -> str:
    return str(get_locale())


def _download(data: bytes, filename: str, mimetype: str, inline: bool = False) -> Response:
    response = Response(data, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/manage/<slug>/partnering/tables")
@event_access("organizer")
def tables(event: Event):
    """The table plan: per slot, which pair sits at which table."""
    settings = partnering_settings(event)
    return render_template("partnering_day/tables.html", event=event, rows=table_plan(event),
                           table_count=settings.table_count if settings else 0,
                           action_form=ActionForm())


@bp.route("/manage/<slug>/partnering/tables/documents", methods=["POST"])
@event_access("organizer")
def start_document(event: Event):
    """Start the table plan or all table sheets as a PDF: a job with progress (60 tables
    take far longer than a web request may)."""
    kind = DOCUMENTS.get(request.form.get("document", ""))
    if not ActionForm().validate_on_submit() or kind is None:
        abort(400)
    job, created = start_document_job(event, kind, user=current_user, language=_language())
    db.session.commit()
    if created:
        dispatch(job)
    else:
        flash(_("This work was already started; here is its progress."), "info")
    return redirect(url_for("jobs_manage.show", slug=event.slug, job_id=job.id))


@bp.route("/manage/<slug>/partnering/tables/<int:table_number>.pdf")
@event_access("organizer")
def table_pdf(event: Event, table_number: int):
    """The sheet of one table."""
    settings = partnering_settings(event)
    if settings is None or not 1 <= table_number <= settings.table_count:
        abort(404)
    log_export("partnering.table_sheets.pdf", event=event, filters={"table": table_number})
    return _download(table_sheets_pdf(event, _language(), table_number),
                     f"{event.slug}-table-{table_number}.pdf", "application/pdf", inline=True)


def _pair_label(key: tuple[str, ...]) -> str:
    not_given = _("not given")
    return " – ".join(country_name(code) if code else not_given for code in key)


@bp.route("/manage/<slug>/partnering/stats")
@event_access("organizer")
def stats(event: Event):
    """Requests, meetings, outcomes, country pairs, sectors and ratings, with charts."""
    figures = partnering_stats(event)
    pairs = [(_pair_label(p.key), p.scheduled, p.held) for p in figures.per_country_pair]
    sectors = [(list_label(event, "sectors", p.key[0]), p.scheduled, p.held)
               for p in figures.per_sector]
    return render_template("partnering_day/stats.html", event=event, figures=figures,
                           summary=summary_rows(figures), pairs=pairs, sectors=sectors)


@bp.route("/manage/<slug>/partnering/stats.xlsx")
@event_access("organizer")
def stats_download(event: Event):
    """The statistics as an XLSX workbook (logged as an export)."""
    figures = partnering_stats(event)
    log_export("partnering.stats.xlsx", event=event, row_count=figures.scheduled)
    return _download(stats_xlsx(figures, language=_language()),
                     f"{event.slug}-partnering.xlsx", XLSX)

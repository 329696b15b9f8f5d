"""Organizers: partnering windows (time spans cut into slots), tables and slot length."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from conference.extensions import db
from conference.i18n import format_local_date
from conference.links import add_link
from conference.models import Event, PartneringWindow
from conference.partnering_schedule.blueprint import bp
from conference.partnering_schedule.forms import DeleteWindowForm, TableSettingsForm, WindowForm
from conference.security import event_access, get_in_event_or_404
from conference.services.partnering.errors import (
    InvalidBreaks,
    PartneringError,
    SlotsInUse,
)
from conference.services.partnering.windows import (
    WindowFields,
    delete_window,
    save_table_settings,
    save_window,
    settings_of,
    window_fields,
    windows_of,
)


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Partnering schedule"), url_for("partnering_schedule.board", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


@bp.route("/manage/<slug>/partnering/windows", methods=["GET", "POST"])
@event_access("organizer")
def windows(event: Event):
    """The windows with their slots, a form for a new one, and the tables form."""
    form = _window_form(event)
    if form.validate_on_submit() and _save(event, None, form):
        flash(_("Partnering window saved."), "success")
        return redirect(url_for("partnering_schedule.windows", slug=event.slug))
    settings = settings_of(event)
    db.session.commit()
    tables_form = TableSettingsForm(formdata=None, obj=settings)
    return _windows_page(event, form, tables_form)


@bp.route("/manage/<slug>/partnering/windows/tables", methods=["POST"])
@event_access("organizer")
def tables(event: Event):
    tables_form = TableSettingsForm()
    if tables_form.validate_on_submit():
        try:
            save_table_settings(event, table_count=tables_form.table_count.data,
                                slot_minutes=tables_form.slot_minutes.data,
                                unplace=tables_form.unplace.data)
        except PartneringError as error:
            db.session.rollback()
            tables_form.table_count.errors = [*tables_form.table_count.errors, error.message]
        else:
            db.session.commit()
            flash(_("Tables and slot length saved."), "success")
            return redirect(url_for("partnering_schedule.windows", slug=event.slug))
    return _windows_page(event, _window_form(event, formdata=None), tables_form), 400


@bp.route("/manage/<slug>/partnering/windows/<int:window_id>", methods=["GET", "POST"])
@event_access("organizer")
def window(event: Event, window_id: int):
    window = get_in_event_or_404(PartneringWindow, event, window_id)
    current = window_fields(window)
    form = _window_form(event, obj=current, day=current.day.isoformat())
    if form.validate_on_submit() and _save(event, window, form):
        flash(_("Partnering window saved."), "success")
        return redirect(url_for("partnering_schedule.windows", slug=event.slug))
    return render_template("partnering_schedule/window.html", event=event, window=window,
                           form=form, delete_form=DeleteWindowForm(formdata=None))


@bp.route("/manage/<slug>/partnering/windows/<int:window_id>/delete", methods=["POST"])
@event_access("organizer")
def window_delete(event: Event, window_id: int):
    window = get_in_event_or_404(PartneringWindow, event, window_id)
    delete_form = DeleteWindowForm()
    if delete_form.validate_on_submit():
        try:
            delete_window(window, unplace=delete_form.unplace.data)
        except SlotsInUse as error:
            db.session.rollback()
            delete_form.unplace.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Partnering window deleted."), "success")
            return redirect(url_for("partnering_schedule.windows", slug=event.slug))
    current = window_fields(window)
    form = _window_form(event, formdata=None, obj=current, day=current.day.isoformat())
    return render_template("partnering_schedule/window.html", event=event, window=window,
                           form=form, delete_form=delete_form), 400


def _window_form(event: Event, **kwargs) -> WindowForm:
    form = WindowForm(**kwargs)
    form.day.choices = [SelectChoice(day.isoformat(), format_local_date(day, event, "full"))
                        for day in event.days]
    return form


def _save(event: Event, window: PartneringWindow | None, form: WindowForm) -> bool:
    """Save the window; on a refusal, put the message under the right field."""
    fields = WindowFields(name=form.name.data, day=dt.date.fromisoformat(form.day.data),
                          start=form.start.data, end=form.end.data,
                          breaks=form.breaks.data or "")
    try:
        save_window(window, event, fields, unplace=form.unplace.data)
    except PartneringError as error:
        db.session.rollback()
        field = {InvalidBreaks: form.breaks, SlotsInUse: form.unplace}.get(type(error), form.end)
        field.errors = [*field.errors, error.message]
        return False
    db.session.commit()
    return True


def _windows_page(event: Event, form: WindowForm, tables_form: TableSettingsForm):
    return render_template("partnering_schedule/windows.html", event=event, form=form,
                           tables_form=tables_form, windows=windows_of(event),
                           settings=settings_of(event))

"""Translation spreadsheets: download an event's texts in one language, upload them back.

``/manage/<slug>/translations`` (page), ``.../export?lang=xx`` (the XLSX) and ``.../import``
(upload; the page then shows the report). The rules are in
``conference.services.translations``.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.extensions import db
from conference.links import add_link
from conference.manage.routes import bp
from conference.manage.translation_forms import TranslationExportForm, TranslationImportForm
from conference.models import Event
from conference.security import event_access
from conference.services.translations.importing import (
    RowsRefused,
    export_translations,
    import_translations,
    translatable_languages,
)
from conference.services.translations.spreadsheet import MAX_FILE_BYTES, TranslationFileError


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Translations"), url_for("manage.translations", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


def _page(event: Event, import_form: TranslationImportForm, *, report=None, refused=(),
          status: int = 200):
    languages = translatable_languages(event)
    export_form = TranslationExportForm(formdata=None, languages=languages)
    return render_template("manage/translations.html", event=event, languages=languages,
                           export_form=export_form, import_form=import_form, report=report,
                           refused=refused), status


@bp.route("/<slug>/translations")
@event_access("organizer")
def translations(event: Event):
    return _page(event, TranslationImportForm(formdata=None))


@bp.route("/<slug>/translations/export")
@event_access("organizer")
def translations_export(event: Event):
    form = TranslationExportForm(request.args, languages=translatable_languages(event))
    if not form.validate():
        flash(_("Choose one of the event's other languages."), "error")
        return redirect(url_for("manage.translations", slug=event.slug))
    data = export_translations(event, form.lang.data)
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet")
    filename = f"{event.slug}-translations-{form.lang.data}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/translations/import", methods=["POST"])
@event_access("organizer")
def translations_import(event: Event):
    form = TranslationImportForm()
    if not form.validate_on_submit():
        return _page(event, form, status=400)
    data = form.file.data.read(MAX_FILE_BYTES + 1)
    try:
        report = import_translations(event, data, preview=form.preview.data,
                                     apply_changed_sources=form.apply_changed_sources.data)
    except TranslationFileError as error:
        db.session.rollback()
        form.file.errors.append(error.message)
        return _page(event, form, status=400)
    except RowsRefused as error:
        db.session.rollback()
        flash(error.message, "error")
        return _page(event, form, refused=error.details["rows"], status=400)
    if report.preview:
        db.session.rollback()
    else:
        db.session.commit()
        applied = len(report.applied) + (len(report.source_changed)
                                         if report.changed_applied else 0)
        flash(_("%(count)d translations saved.", count=applied), "success")
    return _page(event, TranslationImportForm(formdata=None), report=report)

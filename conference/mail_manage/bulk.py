"""Bulk email pages: compose (group, count, preview, test, send), history, progress."""

from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from conference.extensions import db
from conference.jobs import dispatch
from conference.mail_manage.forms import ComposeForm
from conference.mail_manage.routes import bp
from conference.models import BulkMessage, Event
from conference.security import event_access, get_in_event_or_404
from conference.services.messaging import bulk as bulk_service
from conference.services.messaging.merge import (
    AnnouncementInvalid,
    body_part,
    check_texts,
    render_for,
)
from conference.services.messaging.recipients import (
    Audience,
    select_recipients,
    sessions_to_choose,
)
from conference.services.messaging.unsubscribe import unsubscribe_url
from conference.services.registration.settings import ticket_types_of

#: Recipients offered in the "Preview for" list.
PREVIEW_CHOICES = 200
#: Recipients listed on a bulk message's page.
ROWS_SHOWN = 500


def _compose_form(event: Event) -> ComposeForm:
    form = ComposeForm()
    form.fill_choices(event, ticket_types_of(event), sessions_to_choose(event))
    if form.per_minute.data is None and not form.is_submitted():
        form.per_minute.data = current_app.config["MAIL_BULK_PER_MINUTE"]
    return form


def _field_error(form, error) -> None:
    field = getattr(form, error.details.get("field") or "", None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@bp.route("/compose", methods=["GET", "POST"])
@event_access("organizer")
def compose(event: Event):
    form = _compose_form(event)
    audience = form.audience() if form.is_submitted() else Audience()
    selection = select_recipients(event, audience)
    recipients = selection.recipients
    offered = recipients[:PREVIEW_CHOICES]
    form.preview_for.choices = [SelectChoice("", "–")] + [SelectChoice(r.key, r.email)
                                                         for r in offered]
    if form.preview_for.data and form.preview_for.data not in {r.key for r in offered}:
        form.preview_for.data = ""
    preview = None
    if form.validate_on_submit():
        chosen = next((r for r in recipients if r.key == form.preview_for.data),
                      recipients[0] if recipients else None)
        try:
            if form.send.data:
                return _send(event, form, audience, len(recipients))
            if form.test.data:
                if chosen is None:
                    raise bulk_service.EmptyAudience(_("Nobody is in this group: nothing "
                                                       "was sent."))
                bulk_service.send_test(event, subject=form.subject.data, body=form.body.data,
                                       recipient=chosen, to_address=current_user.email)
                db.session.commit()
                flash(_("A test was sent to %(address)s.", address=current_user.email),
                      "success")
            check_texts(event, form.subject.data, form.body.data)
            if chosen is not None:
                subject, _text, html = render_for(
                    event, form.subject.data, form.body.data, chosen,
                    unsubscribe_url(event, chosen.email))
                # Our own rendering: sanitised Markdown and escaped merge values.
                preview = {"recipient": chosen, "subject": subject,
                           "html": Markup(body_part(html))}  # noqa: S704
        except (AnnouncementInvalid, bulk_service.EmptyAudience,
                bulk_service.InvalidRate) as error:
            db.session.rollback()
            _field_error(form, error)
    form.expected_count.data = str(len(recipients))
    return render_template("mail_manage/compose.html", event=event, form=form,
                           count=len(recipients), unsubscribed=selection.unsubscribed,
                           preview=preview, submitted=form.is_submitted())


def _send(event: Event, form: ComposeForm, audience: Audience, count: int):
    if form.expected_count.data != str(count):
        raise bulk_service.EmptyAudience(_(
            "The group has changed: it now has %(count)d recipients. Check the count and "
            "send again.", count=count)) if count else bulk_service.EmptyAudience(
            _("Nobody is in this group: nothing was sent."))
    message, job = bulk_service.queue_bulk_message(
        event, subject=form.subject.data, body=form.body.data, audience=audience,
        user=current_user, per_minute=form.per_minute.data)
    db.session.commit()
    dispatch(job)
    flash(_("The message is on its way to %(count)d recipients.", count=count), "success")
    return redirect(url_for("mail_manage.bulk_message", slug=event.slug,
                            bulk_id=message.id))


@bp.route("/bulk/")
@event_access("organizer")
def bulk_messages(event: Event):
    messages = bulk_service.bulk_messages_of(event)
    return render_template("mail_manage/bulk_list.html", event=event, messages=messages,
                           counts={m.id: bulk_service.bulk_counts(m) for m in messages})


@bp.route("/bulk/<int:bulk_id>/")
@event_access("organizer")
def bulk_message(event: Event, bulk_id: int):
    message = get_in_event_or_404(BulkMessage, event, bulk_id)
    return render_template("mail_manage/bulk_detail.html", event=event, message=message,
                           counts=bulk_service.bulk_counts(message),
                           rows=bulk_service.bulk_outbox(message, limit=ROWS_SHOWN),
                           limit=ROWS_SHOWN)


@bp.route("/bulk/<int:bulk_id>/status.json")
@event_access("organizer")
def bulk_status(event: Event, bulk_id: int):
    message = get_in_event_or_404(BulkMessage, event, bulk_id)
    counts = bulk_service.bulk_counts(message)
    if message.job is None:
        abort(404)
    return jsonify(status="ok", job=message.job.state.value,
                   recipients=message.recipient_count, queued=counts.queued,
                   delivered=counts.delivered, deferred=counts.deferred,
                   failed=counts.failed, skipped=counts.skipped)

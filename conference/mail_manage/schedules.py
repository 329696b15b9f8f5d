"""Scheduled email pages: the event's rules, a new rule, editing and switching one off."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.extensions import db
from conference.mail_manage.bulk import _field_error
from conference.mail_manage.forms import ANCHOR_LABELS, ScheduleForm
from conference.mail_manage.routes import bp
from conference.models import Event, ScheduleAnchor, ScheduleRule
from conference.security import event_access, get_in_event_or_404
from conference.services.messaging import schedules as schedule_service
from conference.services.messaging.merge import AnnouncementInvalid
from conference.services.messaging.recipients import Audience, sessions_to_choose
from conference.services.registration.settings import ticket_types_of


@bp.route("/schedules/")
@event_access("organizer")
def schedules(event: Event):
    rules = schedule_service.rules_of(event)
    return render_template("mail_manage/schedules.html", event=event, rules=rules,
                           sent={r.id: schedule_service.sent_count(r) for r in rules},
                           ANCHOR_LABELS=ANCHOR_LABELS)


def _form(event: Event, rule: ScheduleRule | None) -> ScheduleForm:
    form = ScheduleForm(obj=rule) if rule is not None and request.method == "GET" \
        else ScheduleForm()
    form.fill_choices(event, ticket_types_of(event), sessions_to_choose(event))
    if rule is not None and request.method == "GET":
        form.load(Audience.from_params(rule.audience))
        form.load_offset(rule.offset_minutes)
        form.anchor.data = rule.anchor.value
    return form


def _save(event: Event, rule: ScheduleRule | None):
    form = _form(event, rule)
    if form.validate_on_submit():
        try:
            saved = schedule_service.save_rule(
                event, anchor=ScheduleAnchor(form.anchor.data),
                offset_minutes=form.offset_minutes(), audience=form.audience(),
                subject=form.subject.data, body=form.body.data, user=current_user, rule=rule)
        except (AnnouncementInvalid, schedule_service.ScheduleInvalid) as error:
            db.session.rollback()
            if error.details.get("field") == "offset":
                form.amount.errors = [*form.amount.errors, error.message]
            else:
                _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The schedule is saved."), "success")
            return redirect(url_for("mail_manage.schedules", slug=event.slug,
                                    _anchor=f"rule-{saved.id}"))
    return render_template("mail_manage/schedule_form.html", event=event, form=form, rule=rule)


@bp.route("/schedules/new", methods=["GET", "POST"])
@event_access("organizer")
def schedule_new(event: Event):
    return _save(event, None)


@bp.route("/schedules/<int:rule_id>/", methods=["GET", "POST"])
@event_access("organizer")
def schedule_edit(event: Event, rule_id: int):
    return _save(event, get_in_event_or_404(ScheduleRule, event, rule_id))


@bp.route("/schedules/<int:rule_id>/switch", methods=["POST"])
@event_access("organizer")
def schedule_switch(event: Event, rule_id: int):
    from flask_wtf import FlaskForm

    rule = get_in_event_or_404(ScheduleRule, event, rule_id)
    if not FlaskForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
    else:
        rule.active = not rule.active
        db.session.commit()
        flash(_("The schedule is on.") if rule.active else _("The schedule is off."),
              "success")
    return redirect(url_for("mail_manage.schedules", slug=event.slug))

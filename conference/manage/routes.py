"""The organizers' back office: events, their staff, and staff accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from conference.extensions import db
from conference.manage.forms import (
    ROLE_LABELS,
    STATUS_LABELS,
    AddKnownStaffForm,
    EventForm,
    StaffInviteForm,
    UserForm,
)
from conference.models import Event, EventKind, EventStatus, Role, SeatsDisplay, User
from conference.security import event_access, login_required, role_required, superuser_required
from conference.services.accounts import AccountError, create_account
from conference.services.events import EventError, save_event
from conference.services.promotion.images import InvalidImage, replace_hero
from conference.services.sessions import end_all_sessions
from conference.services.staff import (
    StaffError,
    add_known_staff,
    invite_staff,
    known_staff,
    remove_staff,
    staff_of,
)

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.app_context_processor
def _labels():
    return {"STATUS_LABELS": STATUS_LABELS, "ROLE_LABELS": ROLE_LABELS}


@bp.route("/")
@login_required
def index():
    """Each staff member's start page: the events they work on."""
    if current_user.is_superuser:
        events = db.session.execute(db.select(Event).order_by(Event.starts_on.desc())).scalars()
    else:
        events = sorted(current_user.events, key=lambda e: e.starts_on, reverse=True)
    return render_template("manage/index.html", events=list(events))


@bp.route("/events/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def event_new():
    form = EventForm()
    if form.validate_on_submit():
        event = Event()
        try:
            save_event(event, **_event_fields(form))
            db.session.flush()
            _save_hero(form, event)
        except (EventError, InvalidImage) as error:
            db.session.rollback()
            getattr(form, error.details.get("field", "slug")).errors.append(error.message)
        else:
            if not current_user.is_superuser:
                event.staff.append(current_user)
            db.session.commit()
            flash(_("Event created."), "success")
            return redirect(url_for("manage.event_overview", slug=event.slug))
    return render_template("manage/event_form.html", form=form, event=None)


@bp.route("/<slug>/")
@event_access("organizer")
def event_overview(event: Event):
    return render_template("manage/event_overview.html", event=event)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@event_access("organizer")
def event_edit(event: Event):
    form = EventForm(obj=event)
    if not form.is_submitted():
        form.status.data = event.status.value
        form.languages.data = event.content_languages
    if form.validate_on_submit():
        try:
            save_event(event, **_event_fields(form))
            _save_hero(form, event)
        except (EventError, InvalidImage) as error:
            db.session.rollback()
            getattr(form, error.details.get("field", "slug")).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Event saved."), "success")
            return redirect(url_for("manage.event_overview", slug=event.slug))
    return render_template("manage/event_form.html", form=form, event=event)


@bp.route("/<slug>/staff", methods=["GET", "POST"])
@event_access("organizer")
def event_staff(event: Event):
    """The event's staff, and the invitation by email (only accounts of the events this
    organizer organizes are ever shown)."""
    form = StaffInviteForm()
    if form.validate_on_submit():
        email, role = form.email.data, Role(form.role.data)
        try:
            invite_staff(event, email=email, role=role, invited_by=current_user,
                         locale=str(get_locale()))
        except (AccountError, StaffError) as error:
            db.session.rollback()
            form.email.errors.append(error.message)
        else:
            db.session.commit()
            # The same words whether the account existed or was just created.
            flash(_("%(email)s is %(role)s of this event and gets an email about it.",
                    email=email.strip(), role=ROLE_LABELS[role]), "success")
            return redirect(url_for("manage.event_staff", slug=event.slug))
    return _staff_page(event, form, AddKnownStaffForm(formdata=None))


@bp.route("/<slug>/staff/add", methods=["POST"])
@event_access("organizer")
def event_staff_add(event: Event):
    """Add someone from the staff of this organizer's other events."""
    form = AddKnownStaffForm()
    form.account.choices = _known_choices(event)
    if form.validate_on_submit():
        try:
            add_known_staff(current_user, event, form.account.data)
        except StaffError as error:
            form.account.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Staff saved."), "success")
            return redirect(url_for("manage.event_staff", slug=event.slug))
    return _staff_page(event, StaffInviteForm(formdata=None), form)


@bp.route("/<slug>/staff/<int:user_id>/remove", methods=["POST"])
@event_access("organizer")
def event_staff_remove(event: Event, user_id: int):
    user = next((u for u in event.staff if u.id == user_id), None) or abort(404)
    try:
        remove_staff(event, user, removed_by=current_user)
    except StaffError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Staff saved."), "success")
    return redirect(url_for("manage.event_staff", slug=event.slug))


def _known_choices(event: Event) -> list[SelectChoice]:
    return [SelectChoice(u.id, f"{u.name or u.email} ({ROLE_LABELS[u.role]})")
            for u in known_staff(current_user, event)]


def _staff_page(event: Event, invite_form: StaffInviteForm, add_form: AddKnownStaffForm):
    add_form.account.choices = _known_choices(event)
    return render_template("manage/event_staff.html", event=event, staff=staff_of(event),
                           invite_form=invite_form, add_form=add_form)


@bp.route("/users", methods=["GET", "POST"])
@superuser_required
def users():
    form = UserForm()
    if form.validate_on_submit():
        try:
            create_account(email=form.email.data, password=form.password.data,
                           role=Role(form.role.data), name=form.name.data or "",
                           is_superuser=form.is_superuser.data)
        except AccountError as error:
            getattr(form, error.details.get("field", "email")).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Account created."), "success")
            return redirect(url_for("manage.users"))
    accounts = db.session.execute(db.select(User).order_by(User.email)).scalars().all()
    return render_template("manage/users.html", form=form, accounts=accounts)


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@superuser_required
def end_user_sessions(user_id: int):
    """Log an account out everywhere (a lost phone, a stolen cookie)."""
    user = db.session.get(User, user_id) or abort(404)
    count = end_all_sessions(user)
    db.session.commit()
    flash(_("%(email)s is logged out everywhere (%(n)d logins ended).", email=user.email,
            n=count), "success")
    return redirect(url_for("manage.users"))


def _save_hero(form: EventForm, event: Event) -> None:
    upload = form.hero_image.data
    try:
        replace_hero(event, data=upload.read() if upload else None,
                     remove=form.remove_hero_image.data)
    except InvalidImage as error:
        error.details["field"] = "hero_image"
        raise


def _event_fields(form: EventForm) -> dict:
    return {
        "name": form.name.data,
        "slug": form.slug.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "timezone": form.timezone.data,
        "venue_name": form.venue_name.data or "",
        "venue_address": form.venue_address.data or "",
        "description": form.description.data or "",
        "contact_email": form.contact_email.data or "",
        "status": EventStatus(form.status.data),
        "language": form.language.data,
        "languages": form.languages.data,
        "pitch": form.pitch.data or "",
        "kind": EventKind(form.kind.data),
        "seats_display": SeatsDisplay(form.seats_display.data),
        "few_seats_threshold": form.few_seats_threshold.data,
    }


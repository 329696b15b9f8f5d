"""Privacy: the event's policy (public page, organizer's versions), the public participant
list and the attendee's choice to be on it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from conference.extensions import db
from conference.inputs import query_int
from conference.links import add_link
from conference.models import Event, PrivacyPolicyVersion, Registration
from conference.privacy.forms import (
    DeleteVersionForm,
    OptInForm,
    PublicListForm,
    PublishPolicyForm,
)
from conference.security import (
    event_access,
    find_by_secret,
    get_event_or_404,
    get_in_event_or_404,
    get_public_event_or_404,
    public,
    superuser_required,
    token_access,
)
from conference.services.privacy.access_log import list_exports, logged_events, logged_users
from conference.services.privacy.participants import (
    privacy_settings,
    public_list_enabled,
    public_participants,
    set_public_list_consent,
    set_public_list_enabled,
)
from conference.services.privacy.policy import (
    InvalidPolicy,
    PolicyVersionInUse,
    consent_count,
    current_policy,
    delete_policy_version,
    policy_url_for,
    policy_version,
    policy_versions,
    publish_policy,
)

bp = Blueprint("privacy", __name__)


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Privacy"), url_for("privacy.manage", slug=event.slug)


def _event_link(event: Event):
    if current_policy(event) is not None:
        return _("Privacy policy"), url_for("privacy.policy", slug=event.slug)
    return None


def _participants_link(event: Event):
    if public_list_enabled(event):
        return _("Participants"), url_for("privacy.participants", slug=event.slug)
    return None


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))
bp.record_once(lambda state: add_link(state.app, "event", _event_link))
bp.record_once(lambda state: add_link(state.app, "event", _participants_link))


def privacy_policy_link(event: Event) -> str:
    """Where the registration form sends people to read the policy: the current version's
    own address in the page's language, else our page of it, else the settings' address."""
    if current_policy(event) is None:
        return event.privacy_policy_url
    return policy_url_for(event, str(get_locale())) or url_for("privacy.policy", slug=event.slug)


bp.record_once(lambda state: state.app.jinja_env.globals.update(
    public_list_enabled=public_list_enabled, privacy_policy_link=privacy_policy_link))


# --- Public ------------------------------------------------------------------------------

@bp.route("/e/<slug>/privacy")
@public
def policy(slug: str):
    """The current policy in the page's language (404 before the first version)."""
    event = get_public_event_or_404(slug)
    version = current_policy(event)
    if version is None:
        abort(404)
    return _policy_page(event, version)


@bp.route("/e/<slug>/privacy/<int:number>")
@public
def policy_number(slug: str, number: int):
    """An earlier (or the current) version by its number: what people accepted then."""
    event = get_public_event_or_404(slug)
    version = policy_version(event, number)
    if version is None:
        abort(404)
    return _policy_page(event, version)


def _policy_page(event: Event, version: PrivacyPolicyVersion):
    current = current_policy(event)
    language = str(get_locale())
    return render_template(
        "privacy/policy.html", event=event, version=version,
        is_current=current is not None and current.id == version.id,
        text=version.text.in_language(language, event.language),
        url=version.url.in_language(language, event.language),
        versions=policy_versions(event))


@bp.route("/e/<slug>/participants")
@public
def participants(slug: str):
    """Opted-in, confirmed attendees; 404 while the organizer keeps the list off."""
    event = get_public_event_or_404(slug)
    if not public_list_enabled(event):
        abort(404)
    response = Response(render_template("privacy/participants.html", event=event,
                                        people=public_participants(event)))
    # Someone who leaves the list must be gone at once, from shared caches too.
    response.headers.setdefault("Cache-Control", "no-cache")
    return response


# --- The attendee ------------------------------------------------------------------------

@bp.route("/e/<slug>/r/<token>/public-list", methods=["POST"])
@token_access
def public_list_choice(slug: str, token: str):
    """Join or leave the public list from the private page; takes effect at once."""
    event = get_event_or_404(slug)
    registration = find_by_secret(Registration, event, token)
    if registration is None:
        abort(404)
    form = OptInForm()
    if form.validate_on_submit():
        listed = request.form.get("listed") == "yes"
        if set_public_list_consent(registration, listed):
            db.session.commit()
        flash(_("You are on the public participant list.") if listed
              else _("You are no longer on the public participant list."), "success")
    return redirect(url_for("registration.private_page", slug=event.slug, token=token))


# --- Organizers --------------------------------------------------------------------------

@bp.route("/manage/<slug>/privacy", methods=["GET", "POST"])
@event_access("organizer")
def manage(event: Event):
    current = current_policy(event)
    form = PublishPolicyForm(obj=current)
    list_form = PublicListForm(prefix="list", obj=privacy_settings(event))
    if list_form.submit_list.data and list_form.validate_on_submit():
        set_public_list_enabled(event, list_form.public_list_enabled.data)
        db.session.commit()
        flash(_("The public participant list is on.") if list_form.public_list_enabled.data
              else _("The public participant list is off."), "success")
        return redirect(url_for("privacy.manage", slug=event.slug))
    if form.submit.data and form.validate_on_submit():
        try:
            version = publish_policy(
                event, controller_name=form.controller_name.data,
                controller_address=form.controller_address.data or "",
                controller_contact=form.controller_contact.data or "",
                text=form.text.data, url=form.url.data, by_user=current_user)
        except InvalidPolicy as error:
            db.session.rollback()
            target = getattr(form, error.details.get("field", "text"), form.text)
            target.errors = [*target.errors, error.message]
        else:
            db.session.commit()
            flash(_("Version %(number)s of the privacy policy is published.",
                    number=version.number), "success")
            return redirect(url_for("privacy.manage", slug=event.slug))
    versions = policy_versions(event)
    return render_template(
        "privacy/manage.html", event=event, form=form, list_form=list_form,
        versions=versions, consents={v.id: consent_count(v) for v in versions})


@bp.route("/manage/<slug>/privacy/versions/<int:version_id>/delete", methods=["POST"])
@event_access("organizer")
def delete_version(event: Event, version_id: int):
    version = get_in_event_or_404(PrivacyPolicyVersion, event, version_id)
    if DeleteVersionForm().validate_on_submit():
        number = version.number
        try:
            delete_policy_version(version)
        except PolicyVersionInUse as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Version %(number)s is deleted.", number=number), "success")
    return redirect(url_for("privacy.manage", slug=event.slug))


# --- Superusers: who saw what --------------------------------------------------------------

#: Log lines per page.
LOG_PER_PAGE = 50


@bp.route("/manage/access-log")
@superuser_required
def access_log():
    """Every export of personal data, newest first, filtered by event and staff member."""
    event_id = query_int("event", minimum=1)
    user_id = query_int("user", minimum=1)
    page = list_exports(event_id=event_id, user_id=user_id,
                        page=query_int("page", minimum=1) or 1, per_page=LOG_PER_PAGE)
    args = {k: v for k, v in (("event", event_id), ("user", user_id)) if v}
    return render_template("privacy/access_log.html", page=page, args=args,
                           events=logged_events(), users=logged_users())

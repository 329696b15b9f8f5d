"""Organizer pages of the public face: partners and sponsors, featured speakers and
highlights, and the widget snippet to copy (``/manage/<slug>/partners``, ``/share``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from conference.extensions import db
from conference.links import add_link
from conference.models import Event, Partner, PartnerLevel
from conference.promotion_manage.forms import (
    LEVEL_LABELS,
    DeleteForm,
    MoveForm,
    PartnerForm,
    ShareForm,
)
from conference.security import event_access, get_in_event_or_404
from conference.services.cfp.proposals import public_speakers
from conference.services.promotion import PromotionError
from conference.services.promotion.partners import (
    PartnerFields,
    delete_partner,
    move_partner,
    partners_of,
    save_partner,
)
from conference.services.promotion.selection import (
    highlight_candidates,
    set_featured_speakers,
    set_highlights,
)
from conference.services.promotion.widget import set_widget_origins
from conference.urls import absolute_url

bp = Blueprint("promotion_manage", __name__, url_prefix="/manage/<slug>")


def _manage_link(event: Event):
    if not (current_user.is_authenticated and current_user.can_manage(event)):
        return None
    return _("Partners and sharing"), url_for("promotion_manage.partners", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _manage_link))


@bp.app_context_processor
def _labels():
    return {"PARTNER_LEVEL_LABELS": LEVEL_LABELS}


def _fields(form: PartnerForm) -> PartnerFields:
    upload = form.logo.data
    return PartnerFields(name=form.name.data or "", level=PartnerLevel(form.level.data),
                         url=form.url.data or "", logo=upload.read() if upload else None,
                         remove_logo=form.remove_logo.data)


def _save(event: Event, partner: Partner | None, form: PartnerForm) -> bool:
    try:
        save_partner(event, partner, _fields(form))
    except PromotionError as error:
        db.session.rollback()
        field = error.details.get("field") or ("logo" if error.code.startswith("image")
                                               else "name")
        getattr(form, field).errors.append(error.message)
        return False
    db.session.commit()
    flash(_("Partner saved."), "success")
    return True


@bp.route("/partners", methods=["GET", "POST"])
@event_access("organizer")
def partners(event: Event):
    """The event's partners by level, with a form to add one."""
    form = PartnerForm()
    if form.validate_on_submit() and _save(event, None, form):
        return redirect(url_for("promotion_manage.partners", slug=event.slug))
    return render_template("promotion_manage/partners.html", event=event, form=form,
                           partners=partners_of(event), move_form=MoveForm(),
                           delete_form=DeleteForm())


@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@event_access("organizer")
def partner_edit(event: Event, partner_id: int):
    partner = get_in_event_or_404(Partner, event, partner_id)
    form = PartnerForm(obj=partner)
    if not form.is_submitted():
        form.level.data = partner.level.value
    if form.validate_on_submit() and _save(event, partner, form):
        return redirect(url_for("promotion_manage.partners", slug=event.slug))
    return render_template("promotion_manage/partner_form.html", event=event, form=form,
                           partner=partner)


@bp.route("/partners/<int:partner_id>/delete", methods=["POST"])
@event_access("organizer")
def partner_delete(event: Event, partner_id: int):
    partner = get_in_event_or_404(Partner, event, partner_id)
    if DeleteForm().validate_on_submit():
        delete_partner(partner)
        db.session.commit()
        flash(_("Partner deleted."), "success")
    return redirect(url_for("promotion_manage.partners", slug=event.slug))


@bp.route("/partners/<int:partner_id>/move", methods=["POST"])
@event_access("organizer")
def partner_move(event: Event, partner_id: int):
    partner = get_in_event_or_404(Partner, event, partner_id)
    form = MoveForm()
    if form.validate_on_submit():
        move_partner(partner, -1 if form.direction.data == "up" else 1)
        db.session.commit()
    return redirect(url_for("promotion_manage.partners", slug=event.slug))


@bp.route("/share", methods=["GET", "POST"])
@event_access("organizer")
def share(event: Event):
    """Featured speakers, highlights, the widget's allowed sites and the snippets to copy."""
    speakers = public_speakers(event)
    sessions = highlight_candidates(event)
    form = ShareForm()
    form.featured.choices = [SelectChoice(s.id, s.name) for s in speakers]
    form.highlights.choices = [SelectChoice(s.id, str(s.title)) for s in sessions]
    if not form.is_submitted():
        form.featured.data = [s.id for s in speakers if s.is_featured]
        form.highlights.data = [s.id for s in sessions if s.is_highlight]
        form.widget_origins.data = "\n".join((event.widget_origins or "").split())
    if form.validate_on_submit():
        try:
            set_widget_origins(event, form.widget_origins.data or "")
        except PromotionError as error:
            db.session.rollback()
            form.widget_origins.errors.append(error.message)
        else:
            set_featured_speakers(event, form.featured.data or [])
            set_highlights(event, form.highlights.data or [])
            db.session.commit()
            flash(_("Sharing settings saved."), "success")
            return redirect(url_for("promotion_manage.share", slug=event.slug))
    widget_url = absolute_url("public.widget", slug=event.slug)
    return render_template("promotion_manage/share.html", event=event, form=form,
                           widget_url=widget_url,
                           page_url=absolute_url("public.event", slug=event.slug),
                           script_url=absolute_url("static", filename="js/widget.js"))

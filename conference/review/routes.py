"""Reviewers' pages (``/review/<slug>/...``); organizers may review too."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.cfp.routes import show_domain_error
from conference.extensions import db
from conference.links import add_link
from conference.models import Event, Proposal
from conference.review.forms import review_form_class
from conference.security import event_access
from conference.services import DomainError
from conference.services.cfp import reviews as reviews_service

bp = Blueprint("review", __name__, url_prefix="/review/<slug>")


def _staff_link(event: Event):
    if current_user.is_authenticated and current_user.can_review(event):
        return _("Review proposals"), url_for("review.index", slug=event.slug)
    return None


bp.record_once(lambda state: add_link(state.app, "staff", _staff_link))


@bp.route("/")
@event_access("reviewer")
def index(event: Event):
    proposals = reviews_service.reviewable_proposals(event, current_user)
    rows = [(p, reviews_service.review_by(p, current_user)) for p in proposals]
    return render_template("review/index.html", event=event, rows=rows,
                           anonymous=bool(proposals) and reviews_service.is_anonymous_for(
                               proposals[0], current_user))


@bp.route("/next")
@event_access("reviewer")
def next_proposal(event: Event):
    proposal = reviews_service.next_proposal_for(event, current_user)
    if proposal is None:
        flash(_("You have reviewed every proposal assigned to you. Thank you!"), "success")
        return redirect(url_for("review.index", slug=event.slug))
    return redirect(url_for("review.proposal", slug=event.slug, proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>", methods=["GET", "POST"])
@event_access("reviewer")
def proposal(event: Event, proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.event_id != event.id or not reviews_service.may_review(
            current_user, proposal):
        abort(404)
    criteria = reviews_service.criteria_of(event)
    own = reviews_service.review_by(proposal, current_user)
    form = review_form_class(criteria)()
    if own is not None and not form.is_submitted():
        form.comment.data = own.comment
        for score in own.scores:
            getattr(form, f"criterion_{score.criterion_id}").data = score.score
    if form.validate_on_submit():
        scores = {c.id: getattr(form, f"criterion_{c.id}").data for c in criteria}
        try:
            reviews_service.submit_review(proposal, current_user, scores, form.comment.data or "")
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Review saved."), "success")
            return redirect(url_for("review.proposal", slug=event.slug, proposal_id=proposal.id))
    return render_template(
        "review/proposal.html", event=event, proposal=proposal, form=form, criteria=criteria,
        anonymous=reviews_service.is_anonymous_for(proposal, current_user),
        reviews=reviews_service.visible_reviews(proposal, current_user),
        own=own, stats=reviews_service.proposal_stats(proposal),
    ), 422 if form.is_submitted() else 200

"""Organizers' pages of the call for proposals (``/manage/<slug>/cfp/...``)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from conference.cfp.forms import SESSION_TYPE_LABELS
from conference.cfp.routes import (
    profile_from_form,
    proposal_fields_from_form,
    proposal_form,
    show_domain_error,
    speaker_label,
)
from conference.cfp_manage.forms import (
    AssignmentForm,
    CriterionForm,
    InviteSpeakerForm,
    OrganizerProposalForm,
    TemplateForm,
    settings_form_class,
)
from conference.extensions import db
from conference.inputs import form_ids, query_int
from conference.links import add_link
from conference.models import (
    DecisionKind,
    Event,
    Proposal,
    ProposalState,
    ReviewCriterion,
    ReviewerAssignment,
    Role,
    SessionType,
    Speaker,
)
from conference.security import event_access, get_in_event_or_404, is_local_path
from conference.services import DomainError
from conference.services.cfp import decisions as decisions_service
from conference.services.cfp import organizer as cfp_organizer
from conference.services.cfp import proposals as cfp_service
from conference.services.cfp import reviews as reviews_service
from conference.services.cfp import settings as cfp_settings
from conference.services.programme.sessions import tracks_of

bp = Blueprint("cfp_manage", __name__, url_prefix="/manage/<slug>/cfp")

#: Session types a call may offer (breaks and networking are not proposed).
PROPOSABLE_TYPES = [t for t in SessionType if t not in (SessionType.BREAK, SessionType.NETWORKING)]
SORT_KEYS = ("id", "title", "mean", "median", "reviews", "state")


def _link(event: Event):
    return _("Call for proposals"), url_for("cfp_manage.proposals", slug=event.slug)


bp.record_once(lambda state: add_link(state.app, "manage", _link))




def _local(value: dt.datetime | None, event: Event) -> dt.datetime | None:
    return value.astimezone(event.tz).replace(tzinfo=None) if value else None


@bp.route("/settings", methods=["GET", "POST"])
@event_access("organizer")
def settings(event: Event):
    current = cfp_settings.get_cfp_settings(event)
    form = settings_form_class(PROPOSABLE_TYPES, SESSION_TYPE_LABELS)(obj=current)
    form.tracks.choices = [SelectChoice(t.id, t.name) for t in tracks_of(event)]
    if not form.is_submitted():
        offered = {row.session_type: row.default_minutes
                   for row in cfp_settings.offered_session_types(event)}
        for session_type in PROPOSABLE_TYPES:
            form.durations[session_type.value].data = offered.get(session_type)
        form.tracks.data = [t.id for t in cfp_settings.offered_tracks(event)]
        if current:
            form.opens_at.data = _local(current.opens_at, event)
            form.closes_at.data = _local(current.closes_at, event)
    if form.validate_on_submit():
        durations = {t: form.durations[t.value].data for t in PROPOSABLE_TYPES
                     if form.durations[t.value].data}
        try:
            cfp_settings.save_cfp_settings(
                event, opens_at=form.opens_at.data.replace(tzinfo=event.tz),
                closes_at=form.closes_at.data.replace(tzinfo=event.tz),
                session_types=durations, track_ids=form.tracks.data or [],
                guidelines=form.guidelines.data or "",
                hide_reviews_until_own=form.hide_reviews_until_own.data,
                anonymous_review=form.anonymous_review.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Call for proposals saved."), "success")
            return redirect(url_for("cfp_manage.settings", slug=event.slug))
    return render_template("cfp_manage/settings.html", event=event, form=form,
                           types=PROPOSABLE_TYPES), 422 if form.is_submitted() else 200


@bp.route("/criteria", methods=["GET", "POST"])
@event_access("organizer")
def criteria(event: Event):
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            reviews_service.add_criterion(event, form.name.data, form.description.data or "")
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Criterion added."), "success")
            return redirect(url_for("cfp_manage.criteria", slug=event.slug))
    status = 422 if form.is_submitted() else 200
    return render_template("cfp_manage/criteria.html", event=event, form=form,
                           criteria=reviews_service.criteria_of(event)), status


@bp.route("/criteria/<int:criterion_id>/delete", methods=["POST"])
@event_access("organizer")
def criterion_delete(event: Event, criterion_id: int):
    criterion = get_in_event_or_404(ReviewCriterion, event, criterion_id)
    reviews_service.remove_criterion(criterion)
    db.session.commit()
    flash(_("Criterion removed (with its scores)."), "success")
    return redirect(url_for("cfp_manage.criteria", slug=event.slug))


@bp.route("/reviewers", methods=["GET", "POST"])
@event_access("organizer")
def reviewers(event: Event):
    form = AssignmentForm()
    candidates = [u for u in event.staff if u.role is Role.REVIEWER]
    tracks = tracks_of(event)
    form.reviewer.choices = [SelectChoice(u.id, u.name or u.email) for u in candidates]
    form.track.choices = [SelectChoice("", _("All proposals"))] + [
        SelectChoice(str(t.id), _("Track: %(name)s", name=t.name)) for t in tracks]
    if form.validate_on_submit():
        user = next(u for u in candidates if u.id == form.reviewer.data)
        track = next((t for t in tracks if str(t.id) == form.track.data), None)
        try:
            reviews_service.assign_reviewer(event, user, track)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Reviewer assigned."), "success")
            return redirect(url_for("cfp_manage.reviewers", slug=event.slug))
    return render_template("cfp_manage/reviewers.html", event=event, form=form,
                           assignments=reviews_service.assignments_of(event),
                           has_candidates=bool(candidates)), 422 if form.is_submitted() else 200


@bp.route("/reviewers/<int:assignment_id>/delete", methods=["POST"])
@event_access("organizer")
def assignment_delete(event: Event, assignment_id: int):
    assignment = get_in_event_or_404(ReviewerAssignment, event, assignment_id)
    db.session.delete(assignment)
    db.session.commit()
    flash(_("Assignment removed."), "success")
    return redirect(url_for("cfp_manage.reviewers", slug=event.slug))


def _filtered_proposals(event: Event) -> tuple[list[tuple[Proposal, object]], dict]:
    query = db.select(Proposal).filter_by(event_id=event.id)
    filters = {k: request.args.get(k, "") for k in ("track", "type", "state")}
    track_id = query_int("track", minimum=1)
    if track_id is not None:
        query = query.where(Proposal.track_id == track_id)
    if filters["type"] in {t.value for t in SessionType}:
        query = query.where(Proposal.session_type == SessionType(filters["type"]))
    if filters["state"] in {s.value for s in ProposalState}:
        query = query.where(Proposal.state == ProposalState(filters["state"]))
    rows = [(p, reviews_service.proposal_stats(p))
            for p in db.session.execute(query.order_by(Proposal.id)).scalars()]
    sort = request.args.get("sort", "id")
    sort = sort if sort in SORT_KEYS else "id"
    descending = request.args.get("order") == "desc"
    keys = {
        "id": lambda r: r[0].id,
        "title": lambda r: r[0].title.lower(),
        "mean": lambda r: (r[1].mean is not None, r[1].mean or 0),
        "median": lambda r: (r[1].median is not None, r[1].median or 0),
        "reviews": lambda r: r[1].count,
        "state": lambda r: r[0].state.value,
    }
    rows.sort(key=keys[sort], reverse=descending)
    filters.update(sort=sort, order="desc" if descending else "asc")
    return rows, filters


@bp.route("/")
@event_access("organizer")
def proposals(event: Event):
    rows, filters = _filtered_proposals(event)
    return render_template(
        "cfp_manage/proposals.html", event=event, rows=rows, filters=filters,
        tracks=tracks_of(event), types=PROPOSABLE_TYPES, states=list(ProposalState),
        held=len(decisions_service.held_decision_emails(event)),
        held_ids=decisions_service.held_proposal_ids(event),
        settings=cfp_settings.get_cfp_settings(event),
    )


@bp.route("/proposals/<int:proposal_id>")
@event_access("organizer")
def proposal(event: Event, proposal_id: int):
    proposal = _proposal_or_404(event, proposal_id)
    return _proposal_page(event, proposal, proposal_form(OrganizerProposalForm, proposal))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["POST"])
@event_access("organizer")
def proposal_edit(event: Event, proposal_id: int):
    proposal = _proposal_or_404(event, proposal_id)
    form = proposal_form(OrganizerProposalForm, proposal)
    if form.validate_on_submit():
        try:
            session = cfp_organizer.edit_proposal_as_organizer(
                proposal, proposal_fields_from_form(form))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Proposal saved; its session in the programme shows the changes too.")
                  if session is not None else _("Proposal saved."), "success")
            return redirect(url_for("cfp_manage.proposal", slug=event.slug,
                                    proposal_id=proposal.id))
    return _proposal_page(event, proposal, form, status=422)


def _proposal_page(event: Event, proposal: Proposal, form, status: int = 200):
    return render_template("cfp_manage/proposal.html", event=event, proposal=proposal,
                           held=decisions_service.is_decision_held(proposal),
                           stats=reviews_service.proposal_stats(proposal),
                           criteria=reviews_service.criteria_of(event), form=form), status


def _proposal_or_404(event: Event, proposal_id: int) -> Proposal:
    return get_in_event_or_404(Proposal, event, proposal_id)


def _selected_proposals(event: Event) -> list[Proposal]:
    """The event's proposals ticked in the posted form (``proposal_id`` values)."""
    ids = form_ids("proposal_id")
    return list(db.session.execute(
        db.select(Proposal).where(Proposal.event_id == event.id, Proposal.id.in_(ids))
    ).scalars()) if ids else []


@bp.route("/decide", methods=["POST"])
@event_access("organizer")
def decide(event: Event):
    try:
        kind = DecisionKind(request.form.get("decision", ""))
    except ValueError:
        flash(_("Choose accept or reject."), "error")
        return redirect(url_for("cfp_manage.proposals", slug=event.slug))
    chosen = _selected_proposals(event)
    if not chosen:
        flash(_("Select at least one proposal."), "error")
        return redirect(request.referrer or url_for("cfp_manage.proposals", slug=event.slug))
    decided, skipped = decisions_service.decide(chosen, kind)
    db.session.commit()
    flash(_("%(n)d proposals decided; their emails wait in the outbox until you release them.",
            n=decided), "success")
    if skipped:
        flash(_("%(n)d proposals were skipped: already decided or withdrawn.", n=skipped),
              "warning")
    return redirect(url_for("cfp_manage.proposals", slug=event.slug))


@bp.route("/templates/<kind>", methods=["GET", "POST"])
@event_access("organizer")
def template(event: Event, kind: str):
    try:
        decision = DecisionKind(kind)
    except ValueError:
        abort(404)
    current = decisions_service.get_template(event, decision)
    form = TemplateForm(obj=current)
    if form.validate_on_submit():
        try:
            decisions_service.save_template(event, decision, form.subject.data, form.body.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Template saved."), "success")
            return redirect(url_for("cfp_manage.template", slug=event.slug, kind=kind))
    status = 422 if form.is_submitted() else 200
    return render_template("cfp_manage/template.html", event=event, form=form, kind=decision,
                           placeholders=decisions_service.PLACEHOLDERS), status


@bp.route("/outbox")
@event_access("organizer")
def outbox(event: Event):
    return render_template("cfp_manage/outbox.html", event=event,
                           messages=decisions_service.held_decision_emails(event))


@bp.route("/outbox/release", methods=["POST"])
@event_access("organizer")
def release(event: Event):
    count = decisions_service.release_decision_emails(event)
    db.session.commit()
    flash(_("%(n)d emails released: they are being sent.", n=count), "success")
    return redirect(url_for("cfp_manage.outbox", slug=event.slug))


@bp.route("/decisions/release", methods=["POST"])
@event_access("organizer")
def release_selected(event: Event):
    """Release the held decisions of the ticked proposals only."""
    target = request.form.get("next", "")
    if not is_local_path(target):
        target = url_for("cfp_manage.proposals", slug=event.slug)
    chosen = _selected_proposals(event)
    if not chosen:
        flash(_("Select at least one proposal."), "error")
        return redirect(target)
    count = decisions_service.release_decision_emails(event, chosen)
    db.session.commit()
    if count:
        flash(_("%(n)d emails released: they are being sent.", n=count), "success")
    else:
        flash(_("No decision of the selected proposals was held."), "warning")
    return redirect(target)


@bp.route("/speakers", methods=["GET", "POST"])
@event_access("organizer")
def speakers(event: Event):
    form = InviteSpeakerForm()
    if form.validate_on_submit():
        try:
            cfp_service.add_invited_speaker(event, profile_from_form(form, form.email.data))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Invited speaker added."), "success")
            return redirect(url_for("cfp_manage.speakers", slug=event.slug))
    speakers = db.session.execute(
        db.select(Speaker).filter_by(event_id=event.id).order_by(Speaker.name)).scalars().all()
    return render_template("cfp_manage/speakers.html", event=event, form=form,
                           speakers=speakers), 422 if form.is_submitted() else 200


def _set_visibility(event: Event, speaker_id: int, public: bool):
    speaker = get_in_event_or_404(Speaker, event, speaker_id)
    cfp_organizer.set_speaker_visibility(speaker, public)
    db.session.commit()
    if public:
        flash(_("%(name)s is no longer hidden from the public pages.",
                name=speaker_label(speaker)), "success")
    else:
        flash(_("%(name)s is hidden: no public page or export names them.",
                name=speaker_label(speaker)), "success")
    target = request.args.get("next", "")
    return redirect(target if is_local_path(target)
                    else url_for("cfp_manage.speakers", slug=event.slug))


@bp.route("/speakers/<int:speaker_id>/hide", methods=["POST"])
@event_access("organizer")
def speaker_hide(event: Event, speaker_id: int):
    return _set_visibility(event, speaker_id, public=False)


@bp.route("/speakers/<int:speaker_id>/show", methods=["POST"])
@event_access("organizer")
def speaker_show(event: Event, speaker_id: int):
    return _set_visibility(event, speaker_id, public=True)

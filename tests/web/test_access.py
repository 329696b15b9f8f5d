"""Every route of the app, walked as anonymous, door staff, reviewer and organizer.

Each view must declare its access level (``conference.security``); a route without one,
or with a URL argument this test cannot fill, fails the test. When you add a route with a
new URL argument, add a sample object to ``world`` and its value to ``URL_VALUES``.
"""

from __future__ import annotations

import re

import pytest

from conference.extensions import db
from conference.models import Question, QuestionKind, Role
from conference.security import ACCESS_LEVELS

ROLES = ("anonymous", "door", "reviewer", "organizer", "other_organizer")

#: Expected status of a GET per access level and role ("login" = redirect to the login page).
EXPECTED_GET = {
    "public": dict.fromkeys(ROLES, 200),
    "token": dict.fromkeys(ROLES, 200),
    "staff": {"anonymous": "login", "door": 200, "reviewer": 200, "organizer": 200,
              "other_organizer": 200},
    "organizer": {"anonymous": "login", "door": 403, "reviewer": 403, "organizer": 200,
                  "other_organizer": 403},
    "door": {"anonymous": "login", "door": 200, "reviewer": 403, "organizer": 200,
             "other_organizer": 403},
    "reviewer": {"anonymous": "login", "door": 403, "reviewer": 200, "organizer": 200,
                 "other_organizer": 403},
    "superuser": {"anonymous": "login", "door": 403, "reviewer": 403, "organizer": 403,
                  "other_organizer": 403},
}

#: Routes whose GET answers differently on purpose, with the reason.
GET_OVERRIDES: dict[str, dict[str, int | str]] = {
    # A logged-in user opening the login page is sent on to the back office.
    "auth.login": {"door": 302, "reviewer": 302, "organizer": 302, "other_organizer": 302},
    # "Next proposal with fewest reviews" redirects to that proposal (or the list).
    "review.next_proposal": {"reviewer": 302, "organizer": 302},
    # The sample registration's ticket is free: nothing to pay, so no payment QR (the paid
    # case is in tests/web/test_payments.py).
    "payments.payment_qr": dict.fromkeys(ROLES, 404),
    # The sample registration is free: it has no order, so no invoice of its own (the
    # buyer's downloads are in tests/web/test_invoices.py).
    "invoices.attendee_download": dict.fromkeys(ROLES, 404),
    # ... and no invoice details to give: the page sends it back to the private page.
    "invoices.billing": dict.fromkeys(ROLES, 302),
    # The translation download without ``?lang=`` goes back to the translations page.
    "manage.translations_export": {"organizer": 302},
}

#: Organizer-level pages that are not tied to one event: any organizer may open them.
NOT_EVENT_SCOPED = {"manage.event_new"}


@pytest.fixture
def world(make_event, make_user, make_registration, agenda_world, make_cfp, make_proposal):
    """One of every kind of object a URL can name."""
    event = make_event(slug="access-test")
    other_event = make_event(slug="other-event")
    users = {
        "door": make_user(Role.DOOR, events=[event]),
        "reviewer": make_user(Role.REVIEWER, events=[event]),
        "organizer": make_user(Role.ORGANIZER, events=[event]),
        "other_organizer": make_user(Role.ORGANIZER, events=[other_event]),
    }
    registration = make_registration(event)
    world = {"event": event, "users": users, "registration": registration,
             **agenda_world(event, registration)}
    world.update(_cfp_world(event, users["reviewer"], make_cfp, make_proposal))
    world.update(_checkin_world(event, registration, users["door"]))
    world.update(certificate=_certificate_world(event))
    question = Question(event=event, label="Dietary needs", kind=QuestionKind.SHORT_TEXT)
    db.session.add(question)
    db.session.commit()
    world.update(ticket_type=registration.ticket_type, question=question,
                 link_token=_invitation_link(make_user))
    world.update(job=_job_world(event))
    world.update(_erasure_world(event, make_registration))
    _feedback_world(event, registration, world["session_id"])
    world.update(_invoice_world(event))
    world.update(partner=_partner_world(event))
    world.update(_mail_world(event, users["organizer"], registration))
    world.update(_payments_world(event))
    world.update(policy_version=_privacy_world(event))
    world.update(_partnering_people_world(event, registration, users))
    world.update(_partnering_schedule_world(event, registration, users))
    world.update(_partnering_day_world(event, registration, users))
    return world


def _partnering_people_world(event, registration, users) -> dict:
    """Partnering on; the sample registration and another attendee joined, with a pending
    request from the other attendee to the sample registration."""
    from conference.models import (
        NeedKind,
        PartneringNeed,
        PartneringProfile,
        Registration,
        RegistrationState,
    )
    from conference.services.partnering.requests import send_request
    from conference.services.partnering.settings import save_settings

    save_settings(event, enabled=True, sectors={"pl": "Biotechnologia", "en": "Biotechnology"},
                  cooperation_types={"pl": "Licencje", "en": "Licensing"},
                  max_requests_sent=15, max_meetings=12)
    partner = Registration(event=event, ticket_type=registration.ticket_type,
                           first_name="Jordi", last_name="Puig", email="jordi@example.org",
                           organization="Aragon Health", country="ES",
                           state=RegistrationState.CONFIRMED)
    partner.refresh_search_key()
    db.session.add(partner)
    db.session.flush()
    profiles = []
    for person in (registration, partner):
        profile = PartneringProfile(event_id=event.id, registration_id=person.id, country="PL",
                                    sectors="Biotechnologia", description="Enzymes")
        profile.needs.append(PartneringNeed(kind=NeedKind.OFFER, cooperation_type="Licencje",
                                            text="Enzyme patents"))
        db.session.add(profile)
        profiles.append(profile)
    db.session.flush()
    request = send_request(profiles[1], profiles[0], "Shall we meet?")
    db.session.commit()
    return {"profile_id": profiles[1].id, "request_id": request.id}


def _partnering_schedule_world(event, registration, users) -> dict:
    """Partnering on, a window with slots, the sample attendee's profile (reused when
    another helper made it) with a marked slot, and a meeting placed at table 1."""
    import datetime as dt

    from conference.models import (
        MeetingRequest,
        PartneringProfile,
        PartneringUnavailability,
        RequestState,
    )
    from conference.services.partnering.windows import WindowFields, save_window, settings_of
    from conference.services.registration.core import register
    from tests.fixtures.registration import attendee as attendee_fields

    settings_of(event).enabled = True
    window = save_window(None, event, WindowFields(
        name="Brokerage", day=event.starts_on, start=dt.time(15), end=dt.time(16),
        breaks="15:20-15:30"))
    profile = db.session.execute(db.select(PartneringProfile).filter_by(
        registration_id=registration.id)).scalar_one_or_none()
    if profile is None:
        profile = PartneringProfile(event_id=event.id, registration_id=registration.id,
                                    country="PL", description="Biotech start-up")
        db.session.add(profile)
    other_registration = register(event, registration.ticket_type,
                                  attendee_fields(email="partner-schedule@example.org"),
                                  privacy_consent=True)
    partner = PartneringProfile(event_id=event.id, registration_id=other_registration.id,
                                country="ES", description="Aragon cluster")
    db.session.add(partner)
    db.session.flush()
    slot = window.slots[0]
    db.session.add(PartneringUnavailability(profile_id=profile.id, slot_id=window.slots[-1].id))
    db.session.add(MeetingRequest(
        event_id=event.id, requester_id=profile.id, recipient_id=partner.id,
        pair_low=min(profile.id, partner.id), pair_high=max(profile.id, partner.id),
        state=RequestState.ACCEPTED, slot_id=slot.id, table_number=1))
    db.session.commit()
    return {"window_id": window.id, "slot_id": slot.id}


def _partnering_day_world(event, registration, users) -> dict:
    """The sample registration in partnering, with a published meeting at table 1."""
    import datetime as dt

    from conference.models import (
        MeetingRequest,
        PartneringProfile,
        PartneringSettings,
        PartneringSlot,
        PartneringWindow,
        Registration,
        RegistrationState,
        RequestState,
    )

    start = dt.datetime(2026, 5, 12, 12, tzinfo=dt.UTC)
    # The other partnering helpers' worlds may have made the settings or the sample
    # registration's profile already: reuse them.
    settings = db.session.execute(
        db.select(PartneringSettings).filter_by(event_id=event.id)).scalar_one_or_none()
    if settings is None:
        settings = PartneringSettings(event=event, enabled=True, table_count=2)
        db.session.add(settings)
    settings.published_at = start - dt.timedelta(days=1)
    own = db.session.execute(
        db.select(PartneringProfile).filter_by(registration_id=registration.id)
    ).scalar_one_or_none()
    window = PartneringWindow(event=event, name="Brokerage", starts_at=start,
                              ends_at=start + dt.timedelta(minutes=20))
    window.slots.append(PartneringSlot(event_id=event.id, starts_at=start,
                                       ends_at=start + dt.timedelta(minutes=20)))
    partner = Registration(event=event, ticket_type=registration.ticket_type,
                           first_name="Bea", last_name="Ruiz",
                           email="partnering-day-partner@example.org", country="ES",
                           state=RegistrationState.CONFIRMED)
    partner.refresh_search_key()
    profiles = [own or PartneringProfile(event_id=event.id, registration=registration,
                                         country=registration.country or "PL"),
                PartneringProfile(event_id=event.id, registration=partner, country="ES")]
    db.session.add_all([window, partner, *profiles])
    db.session.flush()
    low, high = sorted(p.id for p in profiles)
    meeting = MeetingRequest(event_id=event.id, requester=profiles[0], recipient=profiles[1],
                             pair_low=low, pair_high=high, slot_id=window.slots[0].id,
                             table_number=1, state=RequestState.ACCEPTED)
    db.session.add(meeting)
    db.session.commit()
    return {"meeting_id": meeting.id, "table_number": 1}


def _privacy_world(event):
    """A published privacy policy and the public participant list turned on."""
    from conference.services.privacy.participants import set_public_list_enabled
    from conference.services.privacy.policy import publish_policy

    version = publish_policy(event, controller_name="Life Science Cluster", text="Policy")
    set_public_list_enabled(event, True)
    db.session.commit()
    return version


def _feedback_world(event, registration, session_id) -> None:
    """Feedback open until a month from now; the attendee starred the session and rated the
    event, so the rating form and the organizers' charts have something to show."""
    import datetime as dt

    from conference.models import FeedbackOpening, StarredSession
    from conference.models.types import utcnow
    from conference.services.feedback.core import save_settings, submit_feedback

    db.session.add(StarredSession(registration_id=registration.id, session_id=session_id))
    save_settings(event, enabled=True, opening=FeedbackOpening.AFTER_EVENT,
                  closes_at=utcnow() + dt.timedelta(days=30))
    submit_feedback(registration, rating=4, comment="Well organised")
    db.session.commit()


def _invoice_world(event) -> dict:
    """A paid order with buyer details and its VAT invoice (issuer and bank set up)."""
    from decimal import Decimal

    from conference.models import TicketType
    from conference.services.invoicing.billing import attach_billing
    from conference.services.invoicing.issue import issue_vat_invoice
    from conference.services.invoicing.settings import save_issuer
    from conference.services.registration.core import register
    from tests.fixtures.invoices import ISSUER, billing
    from tests.fixtures.registration import attendee

    save_issuer(event, ISSUER)
    ticket_type = TicketType(event=event, name="Paid pass", price=Decimal("615.00"),
                             capacity=10)
    db.session.add(ticket_type)
    db.session.commit()
    registration = register(event, ticket_type, attendee(), privacy_consent=True)
    attach_billing(registration.order, billing())
    invoice = issue_vat_invoice(registration.order)
    db.session.commit()
    return {"invoice": invoice, "order": registration.order}


def _partner_world(event):
    """A partner with a logo (the partner pages and the logo's public URL), and the event's
    hero image and logo (their public URLs)."""
    from conference.services.badges.core import save_badge_settings
    from conference.services.promotion.images import replace_hero
    from conference.services.promotion.partners import PartnerFields, save_partner
    from tests.fixtures.cfp import image_bytes

    replace_hero(event, image_bytes(size=(120, 63)))
    save_badge_settings(event, layout=event.badge_layout, double_sided=False,
                        logo=image_bytes())
    partner = save_partner(event, None, PartnerFields(name="Partner Region Alsace",
                                                      url="https://example.org",
                                                      logo=image_bytes()))
    db.session.commit()
    return partner


def _mail_world(event, organizer, registration) -> dict:
    """A bulk message (sent), a schedule rule and an unsubscribe link."""
    from conference.models import ScheduleAnchor, ScheduleRule
    from conference.services.jobs.core import run_job
    from conference.services.messaging.bulk import queue_bulk_message, run_bulk_job
    from conference.services.messaging.recipients import Audience
    from conference.services.messaging.unsubscribe import unsubscribe_token

    message, job = queue_bulk_message(event, subject="Room change", body="Room 2, {first_name}",
                                      audience=Audience(), user=organizer)
    db.session.commit()
    run_job(job.id, run_bulk_job)
    rule = ScheduleRule(event_id=event.id, anchor=ScheduleAnchor.EVENT_START,
                        offset_minutes=-1440, audience={}, subject="Tomorrow",
                        body="See you, {first_name}")
    db.session.add(rule)
    db.session.commit()
    return {"bulk_message": message, "rule": rule,
            "unsubscribe_token": unsubscribe_token(event, registration.email)}


def _payments_world(event) -> dict:
    """A group order with its payer page, and a bank credit waiting for a decision."""
    import datetime as dt
    from decimal import Decimal

    from conference.models import BankTransaction, TicketType, TransactionState
    from conference.services.registration.group import Contact, GroupMember, register_group
    from tests.fixtures.registration import attendee

    ticket_type = TicketType(event=event, name="Paid pass", price=Decimal("250"),
                             currency="PLN", capacity=10)
    db.session.add(ticket_type)
    db.session.commit()
    order = register_group(event, Contact(name="Maria Payer", email="payer@example.org",
                                          organization="Selvita"),
                           [GroupMember(ticket_type, attendee())], privacy_consent=True)
    transaction = BankTransaction(event_id=event.id, bank_id="access-1",
                                  booked_on=dt.date(2026, 3, 5), amount=Decimal("99.00"),
                                  currency="PLN", title="Darowizna",
                                  state=TransactionState.REVIEW)
    db.session.add(transaction)
    db.session.commit()
    return {"order": order, "bank_transaction": transaction}
#: The secret of the sample erasure request's emailed confirmation link.
ERASURE_SECRET = "sample-erasure-confirmation-secret"


def _erasure_world(event, make_registration) -> dict:
    """An unconfirmed erasure request of another attendee, with a known link secret."""
    import datetime as dt
    import hashlib

    from conference.models import ErasureRequest
    from conference.models.types import utcnow

    request = ErasureRequest(event_id=event.id, registration_id=make_registration(event).id,
                             token_hash=hashlib.sha256(ERASURE_SECRET.encode()).hexdigest(),
                             link_expires_at=utcnow() + dt.timedelta(days=2))
    db.session.add(request)
    db.session.commit()
    return {"erasure_id": request.id, "erasure_token": ERASURE_SECRET}


def _invitation_link(make_user) -> str:
    """The secret of a staff invitation's set-password link."""
    from conference.services.staff import issue_password_link

    secret = issue_password_link(make_user(Role.DOOR, email="invited@example.org"))
    db.session.commit()
    return secret


def _job_world(event):
    """A finished badge print run, so its page and its result answer."""
    from conference.services.badges.print_runs import (
        BadgeSelection,
        render_print_run,
        start_print_run,
    )
    from conference.services.jobs.core import run_job

    job, _ = start_print_run(event, BadgeSelection(), user=None)
    db.session.commit()
    return run_job(job.id, render_print_run)


def _cfp_world(event, reviewer, make_cfp, make_proposal) -> dict:
    """Call for proposals: a proposal, a public speaker with a photo, review objects."""
    import datetime as dt

    from conference.extensions import db
    from conference.services.cfp import proposals as cfp
    from conference.services.cfp import reviews
    from conference.services.cfp.photos import store_photo
    from tests.fixtures.cfp import image_bytes

    make_cfp(event)
    proposal = make_proposal(event)
    speaker = proposal.submitter
    speaker.is_invited = True
    speaker.photo_filename = store_photo(image_bytes())
    span = cfp.add_unavailability(speaker, dt.datetime(2026, 5, 12, 8, tzinfo=dt.UTC),
                                  dt.datetime(2026, 5, 12, 9, tzinfo=dt.UTC))
    assignment = reviews.assign_reviewer(event, reviewer)
    db.session.commit()
    return {"proposal": proposal, "speaker": speaker, "span": span, "assignment": assignment,
            "criterion": reviews.criteria_of(event)[0]}


def _checkin_world(event, registration, door) -> dict:
    from conference.extensions import db
    from conference.models import Checkpoint
    from conference.services.checkin.core import check_in
    from conference.services.checkin.offline import OfflineScan, sync_offline_scans

    checkpoint = Checkpoint(event_id=event.id, name="Main entrance")
    db.session.add(checkpoint)
    db.session.flush()
    check_in(event, checkpoint, registration.ticket_code, user=door, nonce="access-world-1")
    result = sync_offline_scans(event, checkpoint, [OfflineScan(
        "access-world-2", registration.ticket_code, registration.created_at, "welcome")],
        user=door)
    db.session.commit()
    return {"checkpoint": checkpoint, "conflict": result.conflicts[0]}


def _certificate_world(event):
    """The certificate of the checked-in sample registration."""
    from conference.services.certificates.issuing import release_certificates

    [certificate] = release_certificates(event)
    db.session.commit()
    return certificate


def url_values(world) -> dict[str, object]:
    """The value to put in each URL argument name."""
    return {
        "slug": world["event"].slug,
        "token": world["registration"].token,
        "registration_id": world["registration"].id,
        "ticket_type_id": world["ticket_type"].id,
        "question_id": world["question"].id,
        "filename": "css/site.css",
        **{name: world[name] for name in ("session_id", "room_id", "track_id", "feed_token")},
        "proposal_token": world["proposal"].token,
        "speaker_token": world["speaker"].token,
        "proposal_id": world["proposal"].id,
        "speaker_id": world["speaker"].id,
        "span_id": world["span"].id,
        "assignment_id": world["assignment"].id,
        "criterion_id": world["criterion"].id,
        "kind": "accepted",
        "checkpoint_id": world["checkpoint"].id,
        "checkin_id": world["conflict"].winner_checkin_id,
        "conflict_id": world["conflict"].id,
        "user_id": world["users"]["door"].id,
        "link_token": world["link_token"],
        "job_id": world["job"].id,
        "certificate_id": world["certificate"].id,
        "public_id": world["certificate"].public_id,
        "invoice_id": world["invoice"].id,
        "order_id": world["order"].id,
        "partner_id": world["partner"].id,
        "bulk_id": world["bulk_message"].id,
        "rule_id": world["rule"].id,
        "unsubscribe_token": world["unsubscribe_token"],
        "order_token": world["order"].token,
        "transaction_id": world["bank_transaction"].id,
        "erasure_id": world["erasure_id"],
        "erasure_token": world["erasure_token"],
        "number": world["policy_version"].number,
        "version_id": world["policy_version"].id,
        "day": world["event"].starts_on.isoformat(),
        "profile_id": world["profile_id"],
        "request_id": world["request_id"],
        "window_id": world["window_id"],
        "slot_id": world["slot_id"],
        "meeting_id": world["meeting_id"],
        "table_number": world["table_number"],
    }


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        yield rule


def _build_url(rule, values) -> str:
    missing = [arg for arg in rule.arguments if arg not in values]
    assert not missing, f"{rule.rule}: add a sample value for {missing} to url_values()"
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(values[arg]), url)
    return url


def test_every_view_declares_its_access(app):
    missing = []
    for rule in _routes(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access", None) not in ACCESS_LEVELS:
            missing.append(rule.endpoint)
    assert not missing, f"views without an access rule: {missing}"


def _clients(app, world, login):
    clients = {"anonymous": app.test_client()}
    for role, user in world["users"].items():
        client = app.test_client()
        login(client, user)
        clients[role] = client
    return clients


def _check(response, expected, role, rule) -> str | None:
    status = response.status_code
    if expected == "login":
        ok = (status == 302 and "/login" in response.headers.get("Location", "")) or status == 401
    else:
        ok = status == expected
    if not ok:
        return f"{rule.rule} [{','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}] as {role}: " \
               f"expected {expected}, got {status}"
    return None


def test_every_route_answers_each_role_as_its_access_rule_says(app, world, login):
    values = url_values(world)
    clients = _clients(app, world, login)
    failures = []
    checked = 0
    for rule in _routes(app):
        view = app.view_functions[rule.endpoint]
        level = getattr(view, "access", None)
        url = _build_url(rule, values)
        for role, client in clients.items():
            if "GET" in rule.methods:
                expected = GET_OVERRIDES.get(rule.endpoint, {}).get(
                    role, EXPECTED_GET[level][role])
                if rule.endpoint in NOT_EVENT_SCOPED and role == "other_organizer":
                    expected = 200
                failure = _check(client.get(url), expected, role, rule)
            else:
                # POST-only routes: the refusals must hold; the allowed roles are tested
                # with real form data in each feature's tests.
                expected = EXPECTED_GET[level][role]
                if expected == 200 or (rule.endpoint in NOT_EVENT_SCOPED):
                    continue
                method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
                failure = _check(client.open(url, method=method), expected, role, rule)
            checked += 1
            if failure:
                failures.append(failure)
    assert checked > 0
    assert not failures, "\n".join(failures)


def test_unknown_event_gives_404_to_its_staff(app, world, login):
    client = app.test_client()
    login(client, world["users"]["organizer"])
    assert client.get("/manage/no-such-event/").status_code == 404


def test_a_forged_token_gives_404(app, world):
    def is_token(arg):
        return arg == "token" or arg.endswith("_token")

    token_rules = [r for r in _routes(app)
                   if any(is_token(a) for a in r.arguments) and "GET" in r.methods]
    client = app.test_client()
    values = url_values(world)
    values = dict(values, **{k: "x" * 32 for k in values if is_token(k)})
    for rule in token_rules:
        assert client.get(_build_url(rule, values)).status_code == 404, rule.rule


def test_an_id_beyond_the_database_range_in_any_url_is_404(app, world, login):
    """PostgreSQL refuses integers beyond 32 bits with an error; the URL converter keeps
    such ids out, so every page answers 404, never 500."""
    client = app.test_client()
    login(client, world["users"]["organizer"])
    values = url_values(world)
    checked = []
    for rule in _routes(app):
        int_args = re.findall(r"<int:(\w+)>", rule.rule)
        if not int_args or "GET" not in rule.methods:
            continue
        url = _build_url(rule, {**values, **dict.fromkeys(int_args, 2**31)})
        assert client.get(url).status_code == 404, url
        checked.append(rule.rule)
    assert len(checked) > 10

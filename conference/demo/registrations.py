"""Demo data: Ticket types, questions and a few hundred registrations."""

from __future__ import annotations

import datetime as dt
import random

from conference.demo.people import FIRST_NAMES, LAST_NAMES, ORGANIZATIONS, en_pl
from conference.extensions import db
from conference.models import (
    Answer,
    BadgeRole,
    Event,
    PaymentStatus,
    Question,
    QuestionKind,
    Registration,
    RegistrationChange,
    RegistrationState,
    TicketType,
)

DEMO_QUESTIONS = [
    # (label, kind, options, required)
    (en_pl("Dietary needs", "Wymagania żywieniowe"), "single_choice",
     en_pl("No special needs\nVegetarian\nVegan\nGluten-free\nHalal",
           "Bez szczególnych wymagań\nWegetariańskie\nWegańskie\nBezglutenowe\nHalal"),
     True),
    (en_pl("Which workshops interest you?", "Które warsztaty Cię interesują?"),
     "multiple_choice",
     en_pl("CRISPR in practice\nAI for drug discovery\nGMP for start-ups\nTech transfer clinic",
           "CRISPR w praktyce\nSI w odkrywaniu leków\nGMP dla start-upów\n"
           "Konsultacje z transferu technologii"), False),
    (en_pl("I would like to join the study visit to Krakow Technology Park",
           "Chcę wziąć udział w wizycie studyjnej w Krakowskim Parku Technologicznym"),
     "checkbox", "", False),
    (en_pl("Accessibility needs we should know about",
           "Potrzeby związane z dostępnością, o których powinniśmy wiedzieć"),
     "long_text", "", False),
]


def _demo_registrations(event: Event, rng: random.Random) -> str:
    """Ticket types, questions and ~300 registrations in realistic states (no emails sent)."""
    import unicodedata
    from decimal import Decimal

    from conference.models.types import utcnow

    s = RegistrationState
    types = {
        "standard": TicketType(
            event=event, name=en_pl("Standard", "Standardowy"), price=Decimal(250),
            capacity=420, position=1,
            description=en_pl("Both days, lunches and the evening reception.",
                              "Oba dni, obiady i wieczorne przyjęcie.")),
        "student": TicketType(
            event=event, name=en_pl("Student", "Studencki"), price=Decimal(90), capacity=80,
            requires_approval=True, position=2,
            description=en_pl("For students with a valid student card (checked by the "
                              "organizers).",
                              "Dla studentów z ważną legitymacją (sprawdzaną przez "
                              "organizatorów).")),
        "workshop": TicketType(
            event=event, name=en_pl("Workshop-day pass", "Karnet na dzień warsztatów"),
            price=Decimal(150), capacity=40, position=3,
            description=en_pl("Day two only: hands-on workshops.",
                              "Tylko drugi dzień: warsztaty praktyczne.")),
        "partner": TicketType(
            event=event, name=en_pl("Partner / Press", "Partner / Prasa"), price=Decimal(0),
            capacity=40, is_public=False, access_code="PARTNER-LSOS",
            badge_role=BadgeRole.PRESS, position=4),
        "speaker": TicketType(event=event, name=en_pl("Speaker", "Prelegent"), price=Decimal(0),
                              capacity=None,
                              is_public=False, access_code="SPEAKER-LSOS",
                              badge_role=BadgeRole.SPEAKER, counts_toward_event_capacity=False,
                              position=5),
    }
    questions = [Question(event=event, label=label, kind=QuestionKind(kind), options=options,
                          required=required, position=i)
                 for i, (label, kind, options, required) in enumerate(DEMO_QUESTIONS, 1)]
    db.session.add_all([*types.values(), *questions])
    db.session.flush()

    plan = (["standard"] * 175 + ["student"] * 50 + ["workshop"] * 52 + ["partner"] * 9
            + ["speaker"] * 14)
    now = utcnow()
    # Spread over the last five weeks, busier as the event comes closer; first come, first served.
    timeline = sorted(
        (now - dt.timedelta(days=35 * rng.random() ** 1.6, minutes=rng.randrange(1440)), kind)
        for kind in plan
    )
    held = dict.fromkeys(types, 0)
    used_emails: set[str] = set()
    counts = dict.fromkeys(s, 0)
    registrations = []
    for n, (created, kind) in enumerate(timeline):
        ticket_type = types[kind]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        organization, country = rng.choice(ORGANIZATIONS)
        ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
        local = ascii_name.decode().lower().replace("'", "").replace(" ", "")
        email = f"{local}@example.org"
        if email in used_emails:
            email = f"{local}{n}@example.org"
        used_emails.add(email)
        roll = rng.random()
        if ticket_type.capacity is not None and held[kind] >= ticket_type.capacity:
            state = s.WAITLISTED
        elif kind == "student":
            state = s.CONFIRMED if roll < 0.65 else s.PENDING if roll < 0.92 else s.REJECTED
        elif kind == "standard" and roll < 0.06:
            state = s.CANCELLED
        else:
            state = s.CONFIRMED
        if state in (s.CONFIRMED, s.PENDING):
            held[kind] += 1
        if ticket_type.price == 0:
            payment = PaymentStatus.WAIVED
        elif state is s.CONFIRMED:
            payment = rng.choices([PaymentStatus.PAID, PaymentStatus.UNPAID, PaymentStatus.WAIVED],
                                  weights=[70, 25, 5])[0]
        else:
            payment = PaymentStatus.UNPAID
        # Decisions (approval, rejection, cancellation) come a few hours or days later.
        decided_later = state in (s.PENDING, s.REJECTED, s.CANCELLED) or (
            kind == "student" and state is s.CONFIRMED)
        changed = min(created + dt.timedelta(hours=rng.randrange(1, 72)), now) if (
            decided_later and state is not s.PENDING) else created
        registration = Registration(
            event=event, ticket_type=ticket_type, state=state, first_name=first, last_name=last,
            email=email, organization=organization, country=country,
            job_title=rng.choice(["Researcher", "PhD student", "CEO", "Business developer",
                                  "Lab manager", "Investor", "Professor", "Journalist"]),
            locale="pl" if country == "PL" and rng.random() < 0.7 else "en",
            payment_status=payment, created_at=created, state_changed_at=changed,
            privacy_consent_at=created, privacy_policy_version=event.privacy_policy_version,
            consent_public_list=rng.random() < 0.6, consent_news=rng.random() < 0.4,
        )
        if state is s.WAITLISTED:  # in line in the order they came, as register() numbers them
            event.waitlist_counter = (event.waitlist_counter or 0) + 1
            registration.waitlist_seq = event.waitlist_counter
        registration.refresh_search_key()
        first_state = {s.CANCELLED: s.CONFIRMED, s.REJECTED: s.PENDING}.get(state, state)
        if kind == "student" and state is s.CONFIRMED:
            first_state = s.PENDING
        registration.changes = [RegistrationChange(
            at=created, action="registered", detail=f"{first_state.value}, {ticket_type.name}")]
        if first_state is not state:
            registration.changes.append(RegistrationChange(
                at=changed, action="state", detail=f"{first_state.value} → {state.value}"))
        registration.answers = [
            Answer(question=questions[0], value=rng.choices(
                questions[0].choices, weights=[60, 20, 8, 7, 5])[0]),
            Answer(question=questions[1], value="\n".join(rng.sample(
                questions[1].choices, rng.randrange(0, 3)))),
            Answer(question=questions[2], value="yes" if rng.random() < 0.3 else ""),
        ]
        if rng.random() < 0.04:
            registration.answers.append(Answer(question=questions[3],
                                               value="Wheelchair access, please."))
        registration.answers = [a for a in registration.answers if a.value]
        registrations.append(registration)
        counts[state] += 1
    db.session.add_all(registrations)
    db.session.flush()
    summary = ", ".join(f"{count} {state.value}" for state, count in counts.items() if count)
    return f"{len(registrations)} registrations ({summary})"

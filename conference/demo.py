"""Demo data: LifeScience Open Space, a two-day conference in Kraków a few weeks ahead.

``load_demo`` builds the event step by step; each feature adds its own step function below
and calls it from ``load_demo``. Everything is deterministic (a seeded random generator),
so the demo looks the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import random

from conference.extensions import db
from conference.models import Event, EventStatus, Role, User

#: Demo staff accounts (all with this password; change them on a real server).
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo login
DEMO_STAFF = [
    ("organizer@lsos.example", "Anna Nowak", Role.ORGANIZER, True),
    ("door@lsos.example", "Piotr Wiśniewski", Role.DOOR, False),
    ("reviewer@lsos.example", "Claire Dubois", Role.REVIEWER, False),
]

FIRST_NAMES = [
    "Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Łukasz", "Agnieszka", "Michał",
    "Zofia", "Jakub", "Małgorzata", "Paweł", "Claire", "Julien", "Sophie", "Mathieu",
    "Lena", "Jonas", "Hannah", "Felix", "Lucía", "Javier", "Carmen", "Pablo", "Ilze",
    "Jānis", "Līga", "Andris", "Eilidh", "Callum", "Isla", "Fraser", "Grzegorz", "Weronika",
]
LAST_NAMES = [
    "Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zielińska",
    "Szymański", "Woźniak", "Dąbrowski", "Żółkiewski-Wąsowicz", "Dubois", "Lefèvre",
    "Moreau", "Müller", "Schäfer", "Weiß", "García", "Martínez", "Núñez", "Bērziņa",
    "Kalniņš", "Ozoliņa", "MacLeod", "O'Brien", "Campbell", "Fraser", "Grabowska",
]
ORGANIZATIONS = [
    ("Jagiellonian University", "PL"), ("AGH University of Krakow", "PL"),
    ("Krakow Technology Park", "PL"), ("Selvita", "PL"), ("Ryvu Therapeutics", "PL"),
    ("Polpharma Biologics", "PL"), ("Medicen Paris Region", "FR"), ("Institut Pasteur", "FR"),
    ("BioRN Network", "DE"), ("Heidelberg University Hospital", "DE"),
    ("Biocat", "ES"), ("Universitat de Barcelona", "ES"),
    ("Latvian Institute of Organic Synthesis", "LV"),
    ("Riga Stradiņš University", "LV"), ("Life Sciences Scotland", "GB"),
    ("University of Edinburgh", "GB"),
]


def load_demo(seed: int = 2026) -> str:
    """Create the demo event with staff and everything the features add; commits."""
    rng = random.Random(seed)
    event = _event()
    staff = _staff(event)
    steps = [f"event {event.slug}", f"{len(staff)} staff accounts"]
    for step in DEMO_STEPS:
        steps.append(step(event, rng))
    db.session.commit()
    return "Demo loaded: " + ", ".join(steps)


def demo_start(today: dt.date | None = None) -> dt.date:
    """The demo's first day: a Tuesday three to four weeks ahead, so registration is open."""
    today = today or dt.date.today()
    start = today + dt.timedelta(days=21)
    return start + dt.timedelta(days=(1 - start.weekday()) % 7)


def _event() -> Event:
    starts_on = demo_start()
    slug = f"lsos-{starts_on.year}"
    taken = set(db.session.execute(db.select(Event.slug).where(Event.slug.startswith(slug)))
                .scalars())
    # `flask demo --force` on a database that has the demo already: a second copy.
    slug = next(s for n in range(1, 1000) if (s := slug if n == 1 else f"{slug}-{n}") not in taken)
    event = Event(
        slug=slug,
        name=f"LifeScience Open Space {starts_on.year}",
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=1),
        timezone="Europe/Warsaw",
        venue_name="ICE Kraków Congress Centre",
        venue_address="ul. Marii Konopnickiej 17, 30-302 Kraków, Poland",
        contact_email="info@lsos.example",
        status=EventStatus.PUBLISHED,
        capacity=600,
        description=(
            "The international meeting of the **Kraków life-science cluster** and its partner "
            "bio-regions in France, Germany, Spain, Latvia and Scotland.\n\n"
            "Two days of keynotes, talks, panels and hands-on workshops on biotech, medtech, "
            "digital health and the business of science, plus partnering and study visits."
        ),
    )
    db.session.add(event)
    db.session.flush()
    return event


def _staff(event: Event) -> list[User]:
    users = []
    for email, name, role, superuser in DEMO_STAFF:
        user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, name=name, role=role, is_superuser=superuser)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        user.events.append(event)
        users.append(user)
    db.session.flush()
    return users




# ---------------------------------------------------------------- programme (agenda branch)

DEMO_ROOMS = [("Main Hall", 600, "Stage, two screens, interpreting booths."),
              ("Wawel Room", 120, "Theatre seating."),
              ("Vistula Lab", 30, "Tables with power; hands-on workshops.")]
DEMO_TRACKS = [("Biotech & Drug Discovery", "#1b7f5c"), ("Medtech & Digital Health", "#1d4ed8"),
               ("Business of Science", "#b45309"), ("Regional Cooperation", "#7c3aed")]
DEMO_SPEAKERS = [
    ("Katarzyna Zielińska", "Krakow Technology Park", "Leads the cluster's strategy."),
    ("Julien Lefèvre", "Institut Pasteur", "Translational immunologist."),
    ("Hannah Weiß", "Heidelberg University Hospital", "Runs a CRISPR screening core."),
    ("Tomasz Lewandowski", "Jagiellonian University", "Computational pathologist."),
    ("Līga Ozoliņa", "Latvian Institute of Organic Synthesis", "Single-cell genomics."),
    ("Callum MacLeod", "Life Sciences Scotland", "Investor relations and venture."),
    ("Lucía Martínez", "Biocat", "Health economist."),
    ("Magdalena Kamińska", "Selvita", "Business development."),
    ("Felix Schäfer", "BioRN Network", "Regulatory affairs for medical devices."),
    ("Carmen Núñez", "Universitat de Barcelona", "Coordinates bio-region partnerships."),
    ("Paweł Dąbrowski", "Polpharma Biologics", "Head of biologics manufacturing."),
    ("Sophie Moreau", "Medicen Paris Region", "EU funding adviser."),
    ("Michał Wójcik", "AGH University of Krakow", "Machine learning on clinical data."),
    ("Eilidh Campbell", "University of Edinburgh", "Digital health researcher."),
    ("Jānis Kalniņš", "Riga Stradiņš University", "Microbiologist working on AMR."),
    ("Agnieszka Grabowska", "Ryvu Therapeutics", "Medicinal chemist."),
    ("Jonas Müller", "Heidelberg University Hospital", "Clinical trials with wearables."),
    ("Zofia Nowak", "AGH University of Krakow", "Biomedical engineer."),
    ("Łukasz Szymański", "Jagiellonian University", "Technology transfer office."),
    ("Isla Fraser", "Life Sciences Scotland", "Regional innovation policy."),
]
_BIO, _MED, _BIZ, _REG = range(4)  # track indexes
# (day, start, end, room index or None, type, track index or None, title, speakers, seats)
DEMO_SESSIONS = [
    (0, "08:30", "09:00", None, "networking", None, "Registration and welcome coffee", [], None),
    (0, "09:00", "09:30", 0, "keynote", _REG, "Opening: Kraków's life-science cluster in 2030",
     [0], None),
    (0, "09:30", "10:15", 0, "keynote", _BIO,
     "From bench to bedside: lessons from a decade of European biotech", [1], None),
    (0, "10:15", "10:45", None, "break", None, "Coffee break", [], None),
    (0, "10:45", "11:30", 0, "talk", _BIO,
     "CRISPR screening at scale: finding targets in patient-derived organoids", [2], None),
    (0, "10:45", "11:30", 1, "talk", _MED,
     "AI-assisted histopathology: validation beyond the benchmark", [3], None),
    (0, "10:45", "12:45", 2, "workshop", _BIO,
     "Hands-on: single-cell RNA-seq analysis with Scanpy", [4], 24),
    (0, "11:30", "12:15", 0, "panel", _BIZ,
     "Funding deep tech: venture capital, the EIC and regional funds", [5, 6, 7], None),
    (0, "11:30", "12:15", 1, "talk", _MED,
     "MDR in practice: certifying a class IIa medical device", [8], None),
    (0, "12:45", "13:45", None, "break", None, "Lunch", [], None),
    (0, "13:45", "14:30", 0, "talk", _REG,
     "Bio-regions working together: the Kraków–Barcelona–Riga axis", [9], None),
    (0, "13:45", "14:30", 1, "talk", _BIO,
     "Biologics manufacturing: scaling monoclonal antibody production in Poland", [10], None),
    (0, "14:00", "16:00", 2, "workshop", _BIZ,
     "Workshop: writing a winning Horizon Europe proposal", [11], 30),
    (0, "14:30", "15:15", 1, "poster", None, "Poster session: early-career researchers", [],
     None),
    (0, "15:15", "16:00", 0, "panel", _MED, "Digital health reimbursement across Europe",
     [3, 12, 13], None),
    (0, "16:15", "18:00", 0, "networking", None, "Partnering meetings and networking", [],
     None),
    (1, "09:00", "09:45", 0, "keynote", _REG,
     "Antimicrobial resistance: a One Health agenda for Central Europe", [14], None),
    (1, "09:45", "10:30", 0, "talk", _BIO,
     "Small molecules, big data: machine learning in medicinal chemistry", [15], None),
    (1, "09:45", "10:30", 1, "talk", _MED,
     "Wearables in clinical trials: from signal to endpoint", [16], None),
    (1, "09:45", "11:45", 2, "workshop", _MED,
     "Hands-on: rapid prototyping of point-of-care diagnostics", [17], 16),
    (1, "10:30", "11:00", None, "break", None, "Coffee break", [], None),
    (1, "11:00", "11:45", 0, "talk", _BIZ,
     "Spin-offs from Polish universities: what works in technology transfer", [18], None),
    (1, "11:00", "11:45", 1, "talk", _REG,
     "Scotland's life-science strategy: lessons for smaller regions", [19], None),
    (1, "11:45", "12:30", 0, "panel", _BIO, "Cell and gene therapy: can Europe keep up?",
     [1, 2, 10], None),
    (1, "12:30", "13:30", None, "break", None, "Lunch", [], None),
    (1, "13:30", "15:00", 2, "workshop", _BIO, "Workshop: GMP documentation for start-ups",
     [10], 20),
    (1, "13:30", "14:15", 0, "talk", _MED,
     "Federated learning on hospital data: privacy by design", [12], None),
    (1, "13:30", "14:15", 1, "talk", _BIZ,
     "Pricing a first-in-class drug: a health-economics primer", [6], None),
    (1, "14:15", "15:00", 0, "talk", _REG,
     "Study visits and exchanges for early-career scientists", [13], None),
    (1, "15:00", "15:45", 0, "keynote", None,
     "Closing keynote: the next ten years of life science in Europe", [0, 14], None),
    (1, "15:45", "17:00", 0, "networking", None, "Farewell reception", [], None),
]


def _demo_programme(event: Event, rng: random.Random) -> str:
    """A two-day programme with rooms, tracks, speakers, workshops, stars and seat bookings."""
    from conference.models import (
        Registration,
        RegistrationState,
        Room,
        Session,
        SessionType,
        Speaker,
        StarredSession,
        Track,
    )
    from conference.services.programme import local_instant
    from conference.services.workshops import WorkshopError, book_seat

    rooms = [Room(event=event, name=n, capacity=c, notes=notes, position=i)
             for i, (n, c, notes) in enumerate(DEMO_ROOMS)]
    tracks = [Track(event=event, name=n, colour=c) for n, c in DEMO_TRACKS]
    speakers = [
        Speaker(event=event, name=name, affiliation=org, biography=bio,
                email=f"programme-speaker{i}@speakers.lsos.example")
        for i, (name, org, bio) in enumerate(DEMO_SPEAKERS)
    ]
    db.session.add_all(rooms + tracks + speakers)
    sessions = []
    for day, start, end, room, kind, track, title, who, seats in DEMO_SESSIONS:
        date = event.starts_on + dt.timedelta(days=day)
        hours = [dt.time.fromisoformat(start), dt.time.fromisoformat(end)]
        session = Session(
            event=event, title=title, session_type=SessionType(kind),
            room=rooms[room] if room is not None else None,
            track=tracks[track] if track is not None else None,
            starts_at=local_instant(event, date, hours[0]),
            ends_at=local_instant(event, date, hours[1]),
            speakers=[speakers[i] for i in who], seat_capacity=seats,
            abstract=(f"{title}. A session of the **{DEMO_TRACKS[track][0]}** track."
                      if track is not None else ""),
        )
        sessions.append(session)
    db.session.add_all(sessions)
    db.session.flush()

    confirmed = db.session.execute(
        db.select(Registration).where(Registration.event_id == event.id,
                                      Registration.state == RegistrationState.CONFIRMED)
        .order_by(Registration.id)
    ).scalars().all()
    talks = [s for s in sessions if s.session_type not in (SessionType.BREAK,)]
    workshops = [s for s in sessions if s.seat_capacity]
    stars = bookings = 0
    for registration in confirmed[:120]:
        for session in rng.sample(talks, k=rng.randint(2, 6)):
            db.session.add(StarredSession(registration_id=registration.id, session_id=session.id))
            stars += 1
        if rng.random() < 0.5:
            try:
                book_seat(rng.choice(workshops), registration)
                bookings += 1
            except WorkshopError:
                pass
    db.session.flush()
    return (f"programme: {len(rooms)} rooms, {len(tracks)} tracks, {len(speakers)} speakers, "
            f"{len(sessions)} sessions, {stars} stars, {bookings} seat bookings")


# --- Call for proposals and speakers (speakers branch) ------------------------------------

CFP_SUBJECTS = [
    "single-cell atlases of the ageing human liver", "CAR-T manufacturing in academic hospitals",
    "organ-on-chip models of the blood-brain barrier", "AI-assisted histopathology triage",
    "mRNA vaccines beyond infectious disease", "antimicrobial peptides against ESKAPE pathogens",
    "spatial transcriptomics of the tumour microenvironment", "bioprinted cartilage implants",
    "federated learning on hospital EHR data", "CRISPR base editing for rare diseases",
    "microbiome signatures of inflammatory bowel disease", "wearable ECG for atrial fibrillation",
    "cryo-EM structures of membrane transporters", "biosimilar monoclonal antibodies",
    "digital twins of the cardiovascular system", "phage therapy in clinical practice",
    "nanoparticle delivery across the placenta", "protein design with diffusion models",
]
CFP_FORMS = [
    "Lessons from {s}", "Scaling {s}: from bench to GMP", "{s}: a Kraków case study",
    "What regulators expect of {s}", "Open data for {s}", "Hands-on introduction to {s}",
    "Spin-off stories: commercialising {s}", "Pitfalls and promise of {s}",
]
CFP_STATES_PER_KIND = 15


def _demo_proposals(event: Event, rng: random.Random) -> str:
    """CFP settings and criteria, reviewers, proposals in every state, invited speakers."""
    from conference.models import DecisionKind, SessionType, Track
    from conference.models.types import utcnow
    from conference.services import cfp, decisions, reviews

    now = utcnow()
    tracks = list(db.session.execute(db.select(Track).filter_by(event_id=event.id)).scalars())
    if not tracks:
        tracks = [Track(event_id=event.id, name=name, colour=colour) for name, colour in (
            ("Biotech & pharma", "#1b7f5c"), ("Medtech", "#2b5fad"),
            ("Digital health", "#8a3ea8"))]
        db.session.add_all(tracks)
        db.session.flush()
    cfp.save_cfp_settings(
        event, opens_at=now - dt.timedelta(days=45), closes_at=now + dt.timedelta(days=7),
        session_types={SessionType.TALK: 20, SessionType.PANEL: 45, SessionType.WORKSHOP: 90,
                       SessionType.POSTER: 10},
        track_ids=[t.id for t in tracks],
        guidelines=(
            "We welcome talks, panels, workshops and posters on **biotech, medtech and digital "
            "health**, from research to business.\n\n- Abstract: up to 300 words\n"
            "- Talks are 20 minutes including questions\n- Decisions two weeks after the deadline"
        ),
    )
    for name, description in (
        ("Scientific quality", "Sound methods, convincing results."),
        ("Relevance to the cluster", "Useful to the region's companies and labs."),
        ("Clarity", "A clear story for a mixed audience."),
    ):
        reviews.add_criterion(event, name, description)
    reviewers = [u for u in event.staff if u.role is Role.REVIEWER]
    for email, name in (("reviewer2@lsos.example", "Jonas Schäfer"),
                        ("reviewer3@lsos.example", "Isla MacLeod")):
        user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, name=name, role=Role.REVIEWER)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        user.events.append(event)
        reviewers.append(user)
    db.session.flush()
    # The first reviewer reviews everything; the others one track each.
    reviews.assign_reviewer(event, reviewers[0])
    for index, user in enumerate(reviewers[1:]):
        reviews.assign_reviewer(event, user, tracks[index % len(tracks)])
    criteria = reviews.criteria_of(event)

    titles = [form.format(s=subject) for subject in CFP_SUBJECTS for form in CFP_FORMS]
    rng.shuffle(titles)
    titles = [t[0].upper() + t[1:] for t in titles]
    kinds = ["submitted", "under_review", "accepted", "rejected", "confirmed", "withdrawn"]
    types = [SessionType.TALK] * 6 + [SessionType.WORKSHOP, SessionType.PANEL, SessionType.POSTER]
    counts: dict[str, int] = {}
    for number in range(CFP_STATES_PER_KIND * len(kinds)):
        kind = kinds[number % len(kinds)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        organization = rng.choice(ORGANIZATIONS)[0]
        session_type = rng.choice(types)
        co = [f"co{number}.{rng.choice(LAST_NAMES).lower()[:3]}@example.org"] if (
            rng.random() < 0.25) else []
        proposal = cfp.submit_proposal(
            event,
            cfp.ProposalFields(
                title=titles[number], session_type=session_type,
                abstract=(f"We present {titles[number].lower()}.\n\n"
                          "- what worked\n- what did not\n- what we would do again\n\n"
                          f"Joint work of *{organization}* and partners."),
                track_id=rng.choice(tracks).id,
                duration_minutes={SessionType.WORKSHOP: 90, SessionType.PANEL: 45,
                                  SessionType.POSTER: 10}.get(session_type, 20),
                language=rng.choice(["en", "en", "en", "pl"]),
                notes="Happy to present on either day." if rng.random() < 0.3 else ""),
            cfp.SpeakerProfile(
                name=f"{first} {last}", email=f"speaker{number}@example.org",
                affiliation=organization,
                biography=f"{first} works at {organization} on translational research.",
                links="https://example.org"),
            co_speaker_emails=co, now=now - dt.timedelta(days=rng.randint(1, 40)),
        )
        if kind != "submitted" and kind != "withdrawn":
            eligible = [u for u in reviewers if reviews.may_review(u, proposal)]
            for user in rng.sample(eligible, rng.randint(1, len(eligible))):
                reviews.submit_review(
                    proposal, user, {c.id: rng.randint(1, 5) for c in criteria},
                    rng.choice(["Strong and relevant.", "Needs a clearer take-home message.",
                                "Great fit for the cluster.", "Methods are thin.", ""]))
        if kind in ("accepted", "confirmed"):
            decisions.decide([proposal], DecisionKind.ACCEPTED)
        elif kind == "rejected":
            decisions.decide([proposal], DecisionKind.REJECTED)
        elif kind == "withdrawn":
            cfp.withdraw_proposal(proposal, now=now)
        if kind == "confirmed":
            for link in proposal.speaker_links:
                link.confirmed_at = link.confirmed_at or now
            decisions.confirm_participation(proposal)
        counts[kind] = counts.get(kind, 0) + 1
    for name, organization in (("Prof. Sophie Lefèvre", "Institut Pasteur"),
                               ("Dr Callum Fraser", "University of Edinburgh")):
        cfp.add_invited_speaker(event, cfp.SpeakerProfile(
            name=name, email=f"{name.split()[-1].lower()}@invited.example",
            affiliation=organization, biography=f"Keynote speaker from {organization}."))
    db.session.flush()
    return f"{sum(counts.values())} proposals ({CFP_STATES_PER_KIND} per state), 2 invited speakers"


# --- Registrations (branch `registration`) ------------------------------------------------

DEMO_QUESTIONS = [
    # (label, kind, options, required)
    ("Dietary needs", "single_choice", "No special needs\nVegetarian\nVegan\nGluten-free\nHalal",
     True),
    ("Which workshops interest you?", "multiple_choice",
     "CRISPR in practice\nAI for drug discovery\nGMP for start-ups\nTech transfer clinic", False),
    ("I would like to join the study visit to Krakow Technology Park", "checkbox", "", False),
    ("Accessibility needs we should know about", "long_text", "", False),
]


def _demo_registrations(event: Event, rng: random.Random) -> str:
    """Ticket types, questions and ~300 registrations in realistic states (no emails sent)."""
    import unicodedata
    from decimal import Decimal

    from conference.models import (
        Answer,
        BadgeRole,
        PaymentStatus,
        Question,
        QuestionKind,
        Registration,
        RegistrationChange,
        RegistrationState,
        TicketType,
    )
    from conference.models.types import utcnow

    s = RegistrationState
    types = {
        "standard": TicketType(event=event, name="Standard", price=Decimal(250), capacity=420,
                               description="Both days, lunches and the evening reception.",
                               position=1),
        "student": TicketType(event=event, name="Student", price=Decimal(90), capacity=80,
                              requires_approval=True, position=2,
                              description="For students with a valid student card "
                                          "(checked by the organizers)."),
        "workshop": TicketType(event=event, name="Workshop-day pass", price=Decimal(150),
                               capacity=40, position=3,
                               description="Day two only: hands-on workshops."),
        "partner": TicketType(event=event, name="Partner / Press", price=Decimal(0),
                              capacity=40, is_public=False, access_code="PARTNER-LSOS",
                              badge_role=BadgeRole.PRESS, position=4),
        "speaker": TicketType(event=event, name="Speaker", price=Decimal(0), capacity=None,
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




# --- Check-in (issue 7) ---------------------------------------------------------------------


def _demo_checkin(event: Event, rng: random.Random) -> str:
    """An entrance, a second gate, one checkpoint per bookable workshop, a few arrivals."""
    from conference.models import Registration, RegistrationState
    from conference.services.checkin import add_entrance, check_in, ensure_checkpoints

    checkpoints = ensure_checkpoints(event)
    gate2 = add_entrance(event, "Gate 2 (Hall B)")
    door = db.session.execute(db.select(User).filter_by(role=Role.DOOR)).scalars().first()
    confirmed = db.session.execute(
        db.select(Registration).filter_by(event_id=event.id, state=RegistrationState.CONFIRMED)
        .order_by(Registration.id)
    ).scalars().all()
    arrivals = rng.sample(confirmed, k=min(len(confirmed), 12))
    first_morning = dt.datetime.combine(event.starts_on, dt.time(8, 30), tzinfo=event.tz)
    gates = [checkpoints[0], gate2]
    for index, registration in enumerate(arrivals):
        at = first_morning + dt.timedelta(minutes=rng.randint(0, 75))
        check_in(event, gates[index % 2], registration.ticket_code, user=door,
                 nonce=f"demo-checkin-{event.id}-{index:04d}", scanned_at=at, now=at,
                 source="camera")
    return f"{len(checkpoints) + 1} checkpoints, {len(arrivals)} demo check-ins"




# --- Badges -----------------------------------------------------------------------------


def _demo_badges(event: Event, rng: random.Random) -> str:
    """A6 badges (one per page, for badge holders), single-sided; no logo."""
    event.badge_layout = "a6"
    event.badge_double_sided = False
    db.session.flush()
    return "badges: A6 layout"


#: Feature steps, in order (registrations first: the programme stars and books seats for
#: them, check-in admits some). Each takes (event, rng), adds rows, flushes, returns a summary.
DEMO_STEPS = [
    _demo_registrations,
    _demo_programme,
    _demo_proposals,
    _demo_checkin,
    _demo_badges,
]

"""Demo data: The programme: rooms, tracks, speakers and two days of sessions."""

from __future__ import annotations

import datetime as dt
import random

from conference.demo.people import en_pl
from conference.extensions import db
from conference.models import (
    Event,
    Registration,
    RegistrationState,
    Room,
    Session,
    SessionType,
    Speaker,
    StarredSession,
    Track,
)

DEMO_ROOMS = [(en_pl("Main Hall", "Sala Główna"), 600, "Stage, two screens, interpreting booths."),
              (en_pl("Wawel Room", "Sala Wawel"), 120, "Theatre seating."),
              (en_pl("Vistula Lab", "Laboratorium Wisła"), 30,
               "Tables with power; hands-on workshops.")]
DEMO_TRACKS = [(en_pl("Biotech & Drug Discovery", "Biotechnologia i odkrywanie leków"), "#1b7f5c"),
               (en_pl("Medtech & Digital Health", "Technika medyczna i cyfrowe zdrowie"),
                "#1d4ed8"),
               (en_pl("Business of Science", "Biznes w nauce"), "#b45309"),
               (en_pl("Regional Cooperation", "Współpraca regionalna"), "#7c3aed")]
#: The sessions' titles in Polish (the English ones are in DEMO_SESSIONS).
POLISH_TITLES = {
    "Registration and welcome coffee": "Rejestracja i kawa powitalna",
    "Opening: Kraków's life-science cluster in 2030":
        "Otwarcie: krakowski klaster nauk o życiu w 2030 roku",
    "From bench to bedside: lessons from a decade of European biotech":
        "Od laboratorium do łóżka pacjenta: lekcje z dekady europejskiej biotechnologii",
    "Coffee break": "Przerwa kawowa",
    "CRISPR screening at scale: finding targets in patient-derived organoids":
        "Badania przesiewowe CRISPR na dużą skalę: szukanie celów w organoidach pacjentów",
    "AI-assisted histopathology: validation beyond the benchmark":
        "Histopatologia wspomagana przez SI: walidacja poza benchmarkiem",
    "Hands-on: single-cell RNA-seq analysis with Scanpy":
        "Zajęcia praktyczne: analiza RNA-seq pojedynczych komórek w Scanpy",
    "Funding deep tech: venture capital, the EIC and regional funds":
        "Finansowanie deep tech: venture capital, EIC i fundusze regionalne",
    "MDR in practice: certifying a class IIa medical device":
        "MDR w praktyce: certyfikacja wyrobu medycznego klasy IIa",
    "Lunch": "Obiad",
    "Bio-regions working together: the Kraków–Barcelona–Riga axis":
        "Współpraca bioregionów: oś Kraków–Barcelona–Ryga",
    "Biologics manufacturing: scaling monoclonal antibody production in Poland":
        "Wytwarzanie leków biologicznych: skalowanie produkcji przeciwciał monoklonalnych "
        "w Polsce",
    "Workshop: writing a winning Horizon Europe proposal":
        "Warsztat: jak napisać zwycięski wniosek do programu Horyzont Europa",
    "Poster session: early-career researchers": "Sesja plakatowa: młodzi naukowcy",
    "Digital health reimbursement across Europe": "Refundacja cyfrowego zdrowia w Europie",
    "Partnering meetings and networking": "Spotkania partnerskie i networking",
    "Antimicrobial resistance: a One Health agenda for Central Europe":
        "Oporność na środki przeciwdrobnoustrojowe: program One Health dla Europy Środkowej",
    "Small molecules, big data: machine learning in medicinal chemistry":
        "Małe cząsteczki, duże dane: uczenie maszynowe w chemii medycznej",
    "Wearables in clinical trials: from signal to endpoint":
        "Urządzenia noszone w badaniach klinicznych: od sygnału do punktu końcowego",
    "Hands-on: rapid prototyping of point-of-care diagnostics":
        "Zajęcia praktyczne: szybkie prototypowanie diagnostyki przyłóżkowej",
    "Spin-offs from Polish universities: what works in technology transfer":
        "Spółki spin-off polskich uczelni: co działa w transferze technologii",
    "Scotland's life-science strategy: lessons for smaller regions":
        "Szkocka strategia nauk o życiu: lekcje dla mniejszych regionów",
    "Cell and gene therapy: can Europe keep up?":
        "Terapie komórkowe i genowe: czy Europa dotrzyma kroku?",
    "Workshop: GMP documentation for start-ups": "Warsztat: dokumentacja GMP dla start-upów",
    "Federated learning on hospital data: privacy by design":
        "Uczenie federacyjne na danych szpitalnych: prywatność w fazie projektowania",
    "Pricing a first-in-class drug: a health-economics primer":
        "Wycena leku pierwszego w swojej klasie: podstawy ekonomiki zdrowia",
    "Study visits and exchanges for early-career scientists":
        "Wizyty studyjne i wymiany dla młodych naukowców",
    "Closing keynote: the next ten years of life science in Europe":
        "Wykład zamykający: następne dziesięć lat nauk o życiu w Europie",
    "Farewell reception": "Przyjęcie pożegnalne",
}
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
    from conference.services.programme.sessions import local_instant
    from conference.services.programme.workshops import WorkshopError, book_seat

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
            event=event, title=en_pl(title, POLISH_TITLES[title]),
            session_type=SessionType(kind),
            room=rooms[room] if room is not None else None,
            track=tracks[track] if track is not None else None,
            starts_at=local_instant(event, date, hours[0]),
            ends_at=local_instant(event, date, hours[1]),
            speakers=[speakers[i] for i in who], seat_capacity=seats,
            abstract=(en_pl(
                f"{title}. A session of the **{DEMO_TRACKS[track][0].exact('en')}** track.",
                f"{POLISH_TITLES[title]}. Sesja ścieżki "
                f"**{DEMO_TRACKS[track][0].exact('pl')}**.")
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

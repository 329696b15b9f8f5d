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
    event = Event(
        slug=f"lsos-{starts_on.year}",
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


#: Feature steps, in order: each takes (event, rng), adds rows, flushes, returns a summary.
DEMO_STEPS: list = []


# --- Badges -----------------------------------------------------------------------------


def _demo_badges(event: Event, rng: random.Random) -> str:
    """A6 badges (one per page, for badge holders), single-sided; no logo."""
    event.badge_layout = "a6"
    event.badge_double_sided = False
    db.session.flush()
    return "badges: A6 layout"


DEMO_STEPS.append(_demo_badges)

"""Demo data: LifeScience Open Space, a two-day conference in Kraków a few weeks ahead.

``load_demo`` builds the event, then runs each feature's step (one module per feature in
this package) in order. Everything is deterministic (a seeded random generator), so the
demo looks the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import random

from conference.demo.badges import _demo_badges
from conference.demo.checkin import _demo_checkin
from conference.demo.people import (
    DEMO_PASSWORD,
    DEMO_STAFF,
    FIRST_NAMES,
    LAST_NAMES,
    ORGANIZATIONS,
    en_pl,
)
from conference.demo.programme import _demo_programme
from conference.demo.promotion import _demo_promotion
from conference.demo.proposals import _demo_proposals
from conference.demo.registrations import _demo_registrations
from conference.extensions import db
from conference.models import Event, EventStatus, User
from conference.services.messaging.outbox import skip_unsent

__all__ = ["DEMO_PASSWORD", "FIRST_NAMES", "LAST_NAMES", "ORGANIZATIONS", "demo_start",
           "load_demo"]

#: Feature steps, in order (registrations first: the programme stars and books seats for
#: them, check-in admits some). Each takes (event, rng), adds rows, flushes, returns a summary.
DEMO_STEPS = [
    _demo_registrations,
    _demo_programme,
    _demo_proposals,
    _demo_checkin,
    _demo_badges,
    _demo_promotion,
]


def load_demo(seed: int = 2026) -> str:
    """Create the demo event with staff and everything the features add; commits."""
    rng = random.Random(seed)
    event = _event()
    staff = _staff(event)
    steps = [f"event {event.slug}", f"{len(staff)} staff accounts"]
    for step in DEMO_STEPS:
        steps.append(step(event, rng))
    # The demo's people are invented: their mail is recorded, visible, and never sent.
    steps.append(f"{skip_unsent(event)} emails recorded as not sent (demo data)")
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
        # The demo's texts are in English (the default) and Polish.
        language="en",
        languages="en,pl",
        venue_name=en_pl("ICE Kraków Congress Centre", "Centrum Kongresowe ICE Kraków"),
        venue_address="ul. Marii Konopnickiej 17, 30-302 Kraków, Poland",
        contact_email="info@lsos.example",
        status=EventStatus.PUBLISHED,
        capacity=600,
        description=en_pl(
            "The international meeting of the **Kraków life-science cluster** and its partner "
            "bio-regions in France, Germany, Spain, Latvia and Scotland.\n\n"
            "Two days of keynotes, talks, panels and hands-on workshops on biotech, medtech, "
            "digital health and the business of science, plus partnering and study visits.",
            "Międzynarodowe spotkanie **krakowskiego klastra nauk o życiu** i partnerskich "
            "bioregionów z Francji, Niemiec, Hiszpanii, Łotwy i Szkocji.\n\n"
            "Dwa dni wykładów, prezentacji, paneli i warsztatów praktycznych o biotechnologii, "
            "technice medycznej, cyfrowym zdrowiu i biznesie w nauce, a do tego spotkania "
            "partnerskie i wizyty studyjne."),
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

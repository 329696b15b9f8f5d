"""Demo data: Check-in: checkpoints and a few arrivals."""

from __future__ import annotations

import datetime as dt
import random

from conference.demo.people import en_pl
from conference.extensions import db
from conference.models import Event, Registration, RegistrationState, Role, User
from conference.models.types import utcnow


def _demo_checkin(event: Event, rng: random.Random, *, now: dt.datetime | None = None) -> str:
    """An entrance, a second gate, one checkpoint per bookable workshop, a few arrivals.

    The arrivals are a rehearsal in the last hour and a half before ``now``: a check-in is
    never dated in the future (the event itself is weeks ahead), so the dashboard's latest
    check-ins and its arrivals chart show them as they would happen.
    """
    from conference.services.checkin.checkpoints import add_entrance, ensure_checkpoints
    from conference.services.checkin.core import check_in

    checkpoints = ensure_checkpoints(event)
    gate2 = add_entrance(event, en_pl("Gate 2 (Hall B)", "Brama 2 (Hala B)"))
    door = db.session.execute(db.select(User).filter_by(role=Role.DOOR)).scalars().first()
    confirmed = db.session.execute(
        db.select(Registration).filter_by(event_id=event.id, state=RegistrationState.CONFIRMED)
        .order_by(Registration.id)
    ).scalars().all()
    arrivals = rng.sample(confirmed, k=min(len(confirmed), 12))
    now = now or utcnow()
    gates = [checkpoints[0], gate2]
    for index, registration in enumerate(arrivals):
        at = now - dt.timedelta(minutes=rng.randint(1, 90), seconds=rng.randint(0, 59))
        check_in(event, gates[index % 2], registration.ticket_code, user=door,
                 nonce=f"demo-checkin-{event.id}-{index:04d}", scanned_at=at, now=at,
                 source="camera")
    return f"{len(checkpoints) + 1} checkpoints, {len(arrivals)} demo check-ins"

"""Demo data: Badge settings."""

from __future__ import annotations

import random

from conference.extensions import db
from conference.models import Event


def _demo_badges(event: Event, rng: random.Random) -> str:
    """A6 badges (one per page, for badge holders), single-sided; no logo."""
    event.badge_layout = "a6"
    event.badge_double_sided = False
    db.session.flush()
    return "badges: A6 layout"

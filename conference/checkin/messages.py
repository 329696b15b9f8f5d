"""The texts of verdicts, for the server's answers and (as templates) for the offline page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from conference.i18n import format_local_time
from conference.models import BadgeRole
from conference.services.checkin.core import Verdict

BADGE_ROLE_LABELS = {
    BadgeRole.ATTENDEE.value: _l("Attendee"),
    BadgeRole.SPEAKER.value: _l("Speaker"),
    BadgeRole.ORGANIZER.value: _l("Organizer"),
    BadgeRole.STAFF.value: _l("Staff"),
    BadgeRole.PRESS.value: _l("Press"),
    BadgeRole.PARTNER.value: _l("Partner"),
}

#: Headline per verdict; ``{name}``, ``{time}`` and ``{checkpoint}`` are filled in.
TITLES = {
    "welcome": _l("Welcome, {name}"),
    "already_checked_in": _l("Already checked in at {time} at {checkpoint}"),
    "cancelled": _l("Cancelled"),
    "waitlisted": _l("Waitlisted"),
    "pending": _l("Pending approval"),
    "unpaid": _l("Unpaid"),
    "wrong_event": _l("Not for this event"),
    "no_seat": _l("No seat in this workshop"),
    "unknown_code": _l("Unknown code"),
    "malformed": _l("Not a badge code"),
}
#: Short names of verdicts for lists (dashboard, conflicts).
VERDICT_LABELS = {
    **TITLES,
    "welcome": _l("Admitted"),
    "already_checked_in": _l("Already checked in"),
}
#: For an "already" without a known earlier entry (should not happen; never crash on it).
ALREADY_PLAIN = _l("Already checked in")


def message_templates() -> dict[str, str]:
    """Translated templates for the scanner's offline verdicts."""
    texts = {code: str(text) for code, text in TITLES.items()}
    texts.update({
        f"role:{value}": str(label) for value, label in BADGE_ROLE_LABELS.items()
    })
    texts["already_plain"] = str(ALREADY_PLAIN)
    return texts


def verdict_texts(verdict: Verdict, tz: ZoneInfo) -> tuple[str, str]:
    """(headline, detail line) of a verdict in the current language; times in ``tz`` (the
    event's timezone)."""
    detail = ""
    if verdict.name and verdict.code != "welcome":
        detail = verdict.name
    if verdict.code == "welcome":
        role = BADGE_ROLE_LABELS.get(verdict.badge_role, verdict.badge_role)
        detail = f"{verdict.ticket_type} / {role}"
    if verdict.code == "already_checked_in":
        if not verdict.checked_in_at:
            return str(ALREADY_PLAIN), detail
        at = dt.datetime.fromisoformat(verdict.checked_in_at)
        title = str(TITLES["already_checked_in"]).format(
            time=format_local_time(at, tz), checkpoint=verdict.checkpoint or "?")
        return title, detail
    return str(TITLES[verdict.code]).format(name=verdict.name), detail


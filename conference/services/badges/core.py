"""Badges: which registrations get one, what they show, settings, and ticket-code reissue.

The PDF itself is made by :mod:`conference.services.badges.pdf` from plain values, so
worker processes and the benchmark need no database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from conference.content import localize
from conference.extensions import db
from conference.i18n import format_date_range
from conference.models import (
    BadgeRole,
    Event,
    Registration,
    RegistrationState,
    TicketType,
    User,
)
from conference.models.registrations import new_ticket_code
from conference.services import DomainError
from conference.services.badges.pdf import (
    LAYOUTS,
    BadgeData,
    EventData,
    harfbuzz_subset_available,
    render_pdf,
)
from conference.services.images import RASTER_FORMATS, ImageRefused, decode_upload, encode
from conference.services.languages import person_languages
from conference.services.registration.search import matches_search, search_words
from conference.services.registration.seats import record_change

log = logging.getLogger(__name__)

ROLE_LABELS = {
    BadgeRole.ATTENDEE: _l("Attendee"),
    BadgeRole.SPEAKER: _l("Speaker"),
    BadgeRole.ORGANIZER: _l("Organizer"),
    BadgeRole.STAFF: _l("Staff"),
    BadgeRole.PRESS: _l("Press"),
    BadgeRole.PARTNER: _l("Partner"),
}

LAYOUT_LABELS = {
    "a6": _l("A6, one badge per page (badge holders)"),
    "card": _l("Card 90 × 55 mm, one per page"),
    "a4-8": _l("A4 sheet of 8 badges (2 × 4)"),
    "a4-4": _l("A4 sheet of 4 A6 badges with crop marks"),
}
assert set(LAYOUT_LABELS) == set(LAYOUTS)

#: Logos are re-encoded as PNG no larger than this (pixels per side).
LOGO_MAX_PIXELS = 800
LOGO_FOLDER = "logos"


class BadgeError(DomainError):
    code = "badge_error"


class NoBadges(BadgeError):
    code = "no_badges"


class NotConfirmed(BadgeError):
    code = "not_confirmed"


class UnknownLayout(BadgeError):
    code = "unknown_layout"


class InvalidLogo(BadgeError):
    code = "invalid_logo"


def warn_if_font_subsetting_is_slow() -> bool:
    """Log a warning when Debian's libharfbuzz-subset0 is missing (badges 7x slower)."""
    if harfbuzz_subset_available():
        return True
    log.warning("libharfbuzz-subset0 is missing: WeasyPrint subsets fonts about 7 times "
                "slower; install it with `apt-get install libharfbuzz-subset0`")
    return False


def badge_data(registration: Registration,
               role_labels: dict[BadgeRole, str] | None = None,
               texts: BadgeTexts | None = None) -> BadgeData:
    """The plain values one badge shows (read fresh from the registration every time);
    ``texts``: the event's name and dates in the badge's language."""
    role = registration.badge_role
    return BadgeData(
        first_name=registration.first_name,
        last_name=registration.last_name,
        organization=registration.organization or "",
        role=role.value,
        role_label=role_labels[role] if role_labels else str(ROLE_LABELS[role]),
        ticket_code=registration.ticket_code,
        event_name=texts.event_name if texts else "",
        event_dates=texts.event_dates if texts else "",
    )


@dataclasses.dataclass(frozen=True)
class BadgeTexts:
    """What a badge says in one language: the role labels, the event's name and dates."""

    role_labels: dict[BadgeRole, str]
    event_name: str
    event_dates: str


def badge_texts(event: Event, language: str) -> BadgeTexts:
    """The badge's texts in ``language`` (labels from the catalogue, the event's name in
    that language with its default as fallback, dates in that language's conventions)."""
    with force_locale(language):
        return BadgeTexts(
            role_labels={role: str(label) for role, label in ROLE_LABELS.items()},
            event_name=localize(event.name, language, event.language),
            event_dates=format_date_range(event.starts_on, event.ends_on),
        )


def _text(message) -> str:
    """A translated message, also outside a request (CLI, workers)."""
    with _badge_locale():
        return str(message)


@contextlib.contextmanager
def _badge_locale():
    """The page's language in a request; the default language in the CLI and workers."""
    if has_request_context():
        yield
    else:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            yield


def event_data(event: Event) -> EventData:
    return EventData(name=event.name, dates=format_date_range(event.starts_on, event.ends_on),
                     logo_path=str(logo_path(event)) if logo_path(event) else None)


def logo_path(event: Event) -> Path | None:
    """The event's logo file, when it has one that exists."""
    if not event.logo_filename:
        return None
    path = _upload_root() / LOGO_FOLDER / Path(event.logo_filename).name
    return path if path.is_file() else None


def _upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def render_badges(registrations: Sequence[Registration], *, layout: str | None = None,
                  double_sided: bool | None = None, workers: int | None = None,
                  progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF with the badges of ``registrations`` (all of one event), in the given order.

    ``layout`` and ``double_sided`` default to the event's settings. One badge renders in
    this process; large batches are split over worker processes.
    """
    if not registrations:
        raise NoBadges(_text(_l("There are no badges to print.")))
    event = registrations[0].event
    if any(r.event_id != event.id for r in registrations):
        raise BadgeError("registrations of several events")
    layout = layout or event.badge_layout
    if layout not in LAYOUTS:
        raise UnknownLayout(_text(_l("Unknown badge layout.")))
    double_sided = event.badge_double_sided if double_sided is None else double_sided
    # Each badge in its holder's language: the ribbon, the event's name and its dates.
    texts: dict[str, BadgeTexts] = {}
    badges = []
    offered = person_languages(event)
    for registration in registrations:
        language = registration.locale if registration.locale in offered else offered[0]
        if language not in texts:
            texts[language] = badge_texts(event, language)
        badges.append(badge_data(registration, texts[language].role_labels, texts[language]))
    with _badge_locale():
        shared = event_data(event)
    return render_pdf(shared, badges, layout_key=layout, double_sided=double_sided,
                      upload_root=str(_upload_root()), workers=workers, progress=progress)


def render_attendee_badge(registration: Registration) -> bytes:
    """The attendee's own badge; only confirmed registrations have one."""
    if registration.state is not RegistrationState.CONFIRMED:
        raise NotConfirmed(_text(_l("Badges are available for confirmed registrations only.")))
    return render_badges([registration])


def render_badge_png(registration: Registration, *, dpi: int = 150) -> bytes:
    """One badge's front as a PNG image (PDF rendered, then rasterized with PDFium): for
    screens and for tests that show a badge to a (fake) camera."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(render_badges([registration], layout="a6",
                                                double_sided=False))
    try:
        page = document[0]
        image = page.render(scale=dpi / 72).to_pil()
        page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def print_order(registrations: Iterable[Registration]) -> list[Registration]:
    """Sorted by last name, then first name, case- and accent-insensitive enough for a box."""
    return sorted(registrations, key=lambda r: (r.last_name.casefold(), r.first_name.casefold(),
                                                r.id))


def select_for_badges(event: Event, *, ticket_type_id: int | None = None,
                      state: RegistrationState | None = RegistrationState.CONFIRMED,
                      role: BadgeRole | None = None, search: str = "") -> list[Registration]:
    """The event's registrations matching the filters, in print order."""
    query = (db.select(Registration).join(Registration.ticket_type)
             .where(Registration.event_id == event.id))
    if ticket_type_id:
        query = query.where(Registration.ticket_type_id == ticket_type_id)
    if state is not None:
        query = query.where(Registration.state == state)
    if role is not None:
        query = query.where(db.or_(
            Registration.badge_role_override == role,
            db.and_(Registration.badge_role_override.is_(None), TicketType.badge_role == role),
        ))
    search = search.strip()
    words = search_words(search)
    if words:
        query = query.where(db.or_(
            db.and_(*matches_search(words)),
            Registration.ticket_code == search.upper(),
        ))
    return print_order(db.session.execute(query).scalars())


def reissue_ticket_code(registration: Registration, by_user: User | None) -> str:
    """Give the registration a new ticket code; the old one stops working at once."""
    old = registration.ticket_code
    registration.ticket_code = new_ticket_code()
    record_change(registration, "ticket_code", f"ticket code reissued (was …{old[-4:]})",
                  by_user=by_user)
    db.session.flush()
    return registration.ticket_code


def save_badge_settings(event: Event, *, layout: str, double_sided: bool,
                        logo: bytes | None = None, remove_logo: bool = False) -> None:
    """Store the event's badge layout, sides and logo (a real image, re-encoded as PNG)."""
    if layout not in LAYOUTS:
        raise UnknownLayout(_text(_l("Unknown badge layout.")))
    new_logo = _reencode_logo(logo) if logo else None
    event.badge_layout = layout
    event.badge_double_sided = double_sided
    if new_logo is not None or remove_logo:
        old = logo_path(event)
        event.logo_filename = None
        if new_logo is not None:
            folder = _upload_root() / LOGO_FOLDER
            folder.mkdir(parents=True, exist_ok=True)
            name = f"event-{event.id}-{secrets.token_hex(8)}.png"
            (folder / name).write_bytes(new_logo)
            event.logo_filename = name
        if old is not None:
            old.unlink(missing_ok=True)
    db.session.flush()


def _reencode_logo(data: bytes) -> bytes:
    """Decode the upload with Pillow and write a fresh PNG: nothing of the file survives but
    its pixels, so a disguised file (SVG, HTML, a polyglot) never reaches the renderer."""
    try:
        image = decode_upload(data, max_bytes=len(data))
    except ImageRefused as refused:
        if refused.reason == "unreadable" and data and _pillow_format(data) not in (
                None, *RASTER_FORMATS):
            raise InvalidLogo(_text(_l("Upload a PNG, JPEG, GIF or WebP image."))) from refused
        raise InvalidLogo(_text(_l("This file is not an image we can read."))) from refused
    return encode(image, mode="RGBA", box=(LOGO_MAX_PIXELS, LOGO_MAX_PIXELS), format="PNG",
                  optimize=True)


def _pillow_format(data: bytes) -> str | None:
    """The format Pillow reads in ``data``, or None when it reads none."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as probe:
            return probe.format
    except Exception:  # noqa: BLE001 - any failure means "no format we know"
        return None

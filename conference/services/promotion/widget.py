"""The embeddable registration widget: who may frame it.

Every page of the site forbids framing (``frame-ancestors 'none'`` and
``X-Frame-Options: DENY``); the widget alone may be framed, by the origins the organizer
lists on the event (``Event.widget_origins``), or by any site when the list is empty. The
widget shows public facts only and opens registration in a new tab (top-level, so a framing
site can never overlay or read the registration form), which is why "any site" is a safe
default; an organizer who wants only partner sites lists them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from conference.models import Event
from conference.services.promotion import PromotionError

#: Origins listed per event at most.
MAX_ORIGINS = 10


class InvalidOrigin(PromotionError):
    code = "widget_origin_invalid"


def parse_origins(text: str) -> list[str]:
    """``https://partner.example`` origins, one per line or space-separated, normalised
    (lower-case, no path, no trailing slash); refuses anything else."""
    origins: list[str] = []
    for item in (text or "").split():
        parts = urlsplit(item.strip())
        if (parts.scheme not in ("http", "https") or not parts.hostname
                or parts.path not in ("", "/") or parts.query or parts.fragment
                or parts.username or parts.password or "*" in item):
            raise InvalidOrigin(
                str(_l("“%(origin)s” is not a site address such as https://partner.example.",
                       origin=item)), field="widget_origins")
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise InvalidOrigin(str(_l("List at most %(n)d sites.", n=MAX_ORIGINS)),
                            field="widget_origins")
    return origins


def widget_frame_ancestors(event: Event) -> str:
    """The ``frame-ancestors`` sources of the event's widget."""
    origins = (event.widget_origins or "").split()
    return " ".join(["'self'", *origins]) if origins else "*"



def set_widget_origins(event: Event, text: str) -> None:
    """Store the sites allowed to frame the event's widget (``parse_origins``). The caller
    commits."""
    event.widget_origins = " ".join(parse_origins(text))

"""Partners and sponsors of an event: add, edit, delete, reorder, group by level."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText, clean_text
from conference.extensions import db
from conference.models import Event, Partner, PartnerLevel
from conference.models.promotion import LEVEL_ORDER
from conference.services.promotion import PromotionError
from conference.services.promotion.images import delete_image, store_logo


class InvalidPartnerLink(PromotionError):
    code = "partner_link_invalid"


class PartnerNameRequired(PromotionError):
    code = "partner_name_required"


def check_web_link(url: str) -> str:
    """``url`` stripped when it is an http(s) address with a host; "" stays "".

    Anything else (``javascript:``, ``data:``, a relative path) is refused: the link goes
    into an ``href`` on a public page.
    """
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if (parts.scheme.lower() not in ("http", "https") or not parts.hostname
            or any(ord(char) < 0x21 or ord(char) == 0x7F for char in url)):
        raise InvalidPartnerLink(str(_l("Enter a web address starting with https:// or "
                                         "http://.")), field="url")
    return url


@dataclass
class PartnerFields:
    """What an organizer sets on a partner."""

    name: LocalizedText | str
    level: PartnerLevel = PartnerLevel.PARTNER
    url: str = ""
    #: The bytes of a new logo, if one was uploaded.
    logo: bytes | None = None
    remove_logo: bool = False


def partners_of(event: Event) -> list[Partner]:
    """The event's partners in page order: by level, then position, then name."""
    partners = db.session.execute(
        db.select(Partner).where(Partner.event_id == event.id)
        .order_by(Partner.position, Partner.id)
    ).scalars().all()
    return sorted(partners, key=lambda p: LEVEL_ORDER.index(p.level))


def partners_by_level(event: Event) -> list[tuple[PartnerLevel, list[Partner]]]:
    """(level, partners) for each level that has any, in page order (one query)."""
    groups: dict[PartnerLevel, list[Partner]] = {}
    for partner in partners_of(event):
        groups.setdefault(partner.level, []).append(partner)
    return list(groups.items())


def save_partner(event: Event, partner: Partner | None, fields: PartnerFields) -> Partner:
    """Create or update a partner; a new one goes last in its level. The caller commits.

    The link is checked and the logo stored before anything changes, so a refused input
    leaves the partner as it was.
    """
    name = clean_text(fields.name)
    if not name:
        raise PartnerNameRequired(str(_l("Enter the partner's name.")), field="name")
    url = check_web_link(fields.url)
    new_logo = store_logo(fields.logo) if fields.logo else None
    if partner is None:
        last = db.session.scalar(
            db.select(db.func.max(Partner.position)).where(Partner.event_id == event.id,
                                                           Partner.level == fields.level))
        partner = Partner(event_id=event.id, position=(last or 0) + 1)
        db.session.add(partner)
    elif partner.level is not fields.level:
        last = db.session.scalar(
            db.select(db.func.max(Partner.position)).where(Partner.event_id == event.id,
                                                           Partner.level == fields.level))
        partner.position = (last or 0) + 1
    partner.name = name
    partner.level = fields.level
    partner.url = url
    if new_logo is not None or fields.remove_logo:
        old = partner.logo_filename
        partner.logo_filename = new_logo
        delete_image(old)
    db.session.flush()
    return partner


def delete_partner(partner: Partner) -> None:
    """Remove a partner and its logo file. The caller commits."""
    logo = partner.logo_filename
    db.session.delete(partner)
    db.session.flush()
    delete_image(logo)


def move_partner(partner: Partner, step: int) -> None:
    """Move a partner one place up (``step`` -1) or down (+1) within its level; the
    positions of the level are renumbered 1..n. The caller commits."""
    level = [p for p in partners_of(partner.event) if p.level is partner.level]
    index = level.index(partner)
    target = index + (1 if step > 0 else -1)
    if 0 <= target < len(level):
        level[index], level[target] = level[target], level[index]
    for position, item in enumerate(level, start=1):
        item.position = position
    db.session.flush()

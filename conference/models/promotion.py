"""Partners and sponsors shown on an event's public page."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.types import TranslatedText, enum_column

if TYPE_CHECKING:
    from conference.models.events import Event


class PartnerLevel(enum.Enum):
    """Fixed levels, in the order the event page shows them (labels are translated in the
    interface catalogue, so every event says "Gold sponsor" the same way)."""

    HOST = "host"
    GOLD = "gold"
    SILVER = "silver"
    PARTNER_REGION = "partner_region"
    MEDIA = "media"
    PARTNER = "partner"


#: Page order of the levels.
LEVEL_ORDER = list(PartnerLevel)


class Partner(db.Model):
    """A host, sponsor, partner region or media partner of one event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[LocalizedText] = mapped_column(TranslatedText)
    level: Mapped[PartnerLevel] = mapped_column(enum_column(PartnerLevel),
                                                default=PartnerLevel.PARTNER)
    #: The partner's site (http or https only), opened from its logo.
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: File name of the logo under the upload folder (``promotion.images``), if any.
    logo_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: Order within its level, smallest first.
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()

    def __repr__(self) -> str:
        return f"<Partner {self.id} {self.level.value}>"

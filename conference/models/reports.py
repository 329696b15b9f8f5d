"""Funder reports: an event's funder, its logo and the organisation types attendees pick."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from conference.content import LocalizedText
from conference.extensions import db
from conference.models.types import TranslatedText


class FunderReportSettings(db.Model):
    """How an event's attendance sheets are headed and which organisation types its
    registration form offers (one row per event; none means no funder, no types)."""

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    #: The funder or programme, e.g. "Fundusze Europejskie dla Małopolski", per language.
    funder_name: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")
    #: The funder's logo (a PNG we re-encoded) in UPLOAD_FOLDER/reports.
    funder_logo_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: Organisation types asked on the registration form, one per line, per language (the
    #: lines of every language in the same order). A registration stores the type's line in
    #: the event's default language (``Registration.organisation_type``).
    organisation_types: Mapped[LocalizedText] = mapped_column(TranslatedText, default="")

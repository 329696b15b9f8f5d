"""The one call every export route makes: log who exported what (``services.privacy.
access_log``) and commit it, so the log holds even when the download is cut off."""

from __future__ import annotations

from collections.abc import Mapping

from flask_login import current_user

from conference.extensions import db
from conference.models import Event
from conference.services.privacy.access_log import record_export


def log_export(what: str, *, event: Event | None, filters: Mapping[str, object] | None = None,
               row_count: int | None = None) -> None:
    """Log an export of personal data by the logged-in user and commit."""
    user = current_user if current_user.is_authenticated else None
    record_export(what, user=user, event=event, filters=filters, row_count=row_count)
    db.session.commit()

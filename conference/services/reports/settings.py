"""An event's funder-report settings: the funder's name and logo, the organisation types.

The logo is decoded with Pillow and stored as a fresh PNG (``certificates.settings.
clean_image``), so nothing of an upload but its pixels reaches the PDF renderer.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.content import LocalizedText, clean_text
from conference.extensions import db
from conference.models import Event, FunderReportSettings
from conference.services import DomainError
from conference.services.certificates.errors import InvalidImage
from conference.services.certificates.settings import clean_image

FOLDER = "reports"
#: Most organisation types an event may define, and the longest name of one.
TYPES_MAX = 20
TYPE_MAX_LENGTH = 100


class ReportSettingsError(DomainError):
    code = "report_settings"


class InvalidOrganisationTypes(ReportSettingsError):
    code = "invalid_organisation_types"


class InvalidOrganisationType(ReportSettingsError):
    """A registration named a type the event does not offer."""

    code = "invalid_organisation_type"


def report_settings(event: Event) -> FunderReportSettings:
    """The event's row (a new, unsaved one with empty values when none)."""
    return db.session.get(FunderReportSettings, event.id) or FunderReportSettings(
        event_id=event.id, funder_name=LocalizedText(), organisation_types=LocalizedText())


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def organisation_types(event: Event, language: str | None = None) -> list[tuple[str, str]]:
    """(stored key, label in ``language``) of each organisation type the event offers. The
    key is the default-language line; a language with fewer lines falls back to it."""
    text = report_settings(event).organisation_types
    keys = _lines(text.in_language(event.language, event.language))
    labels = _lines(text.in_language(language, event.language)) if language else keys
    if len(labels) != len(keys):
        labels = keys
    return list(zip(keys, labels, strict=True))


def organisation_type_label(event: Event, key: str, language: str | None = None) -> str:
    return dict(organisation_types(event, language)).get(key, key)


def clean_organisation_type(event: Event, value: str | None) -> str:
    """``value`` if it is one of the event's type keys, "" when empty; raises
    InvalidOrganisationType otherwise."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    if value not in {key for key, _label in organisation_types(event)}:
        raise InvalidOrganisationType("unknown organisation type", field="organisation_type")
    return value


def _upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def funder_logo_path(event: Event) -> Path | None:
    name = report_settings(event).funder_logo_filename
    if not name:
        return None
    path = _upload_root() / FOLDER / Path(name).name
    return path if path.is_file() else None


def save_report_settings(event: Event, *, funder_name, organisation_types_text,
                         funder_logo: bytes | None = None,
                         remove_funder_logo: bool = False) -> FunderReportSettings:
    """Store the settings (does not commit). A bad image raises InvalidImage and too many
    or too long types InvalidOrganisationTypes, before anything changes."""
    types = clean_text(organisation_types_text)
    for value in types.translations().values():
        lines = _lines(value)
        if len(lines) > TYPES_MAX or any(len(line) > TYPE_MAX_LENGTH for line in lines):
            raise InvalidOrganisationTypes(
                str(_l("At most %(count)d types of at most %(length)d characters each.",
                       count=TYPES_MAX, length=TYPE_MAX_LENGTH)), field="organisation_types")
    png = None
    if funder_logo:
        try:
            png = clean_image(funder_logo)
        except InvalidImage as error:
            raise InvalidImage(error.message, field="funder_logo") from error
    settings = report_settings(event)
    settings.funder_name = clean_text(funder_name)
    settings.organisation_types = LocalizedText(
        {code: "\n".join(_lines(value)) for code, value in types.translations().items()})
    if png is not None or remove_funder_logo:
        old = funder_logo_path(event)
        settings.funder_logo_filename = None
        if png is not None:
            folder = _upload_root() / FOLDER
            folder.mkdir(parents=True, exist_ok=True)
            name = f"funder-{event.id}-{secrets.token_hex(8)}.png"
            (folder / name).write_bytes(png)
            settings.funder_logo_filename = name
        if old is not None:
            old.unlink(missing_ok=True)
    db.session.add(settings)
    db.session.flush()
    return settings

"""The language of a person: attendees (``Registration.locale``), speakers
(``Speaker.locale``) and staff accounts (``User.locale``).

A person's language is the one they used when they registered, proposed or logged in, and
they can change it on their private page. Everything made for them outside their own request
(emails, their badge, files) is made in it.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.models import Event
from conference.services import DomainError


class UnsupportedLanguage(DomainError):
    code = "unsupported_language"


def interface_languages() -> list[str]:
    """The languages the interface has a catalogue for (``LANGUAGES``)."""
    return list(current_app.config["LANGUAGES"])


def person_languages(event: Event) -> list[str]:
    """The languages a person of ``event`` may choose: the event's content languages that
    the interface speaks too (a page and an email need both), the default first. An event
    whose languages have no catalogue at all offers the interface's languages."""
    interface = interface_languages()
    offered = [code for code in event.content_languages if code in interface]
    return offered or interface


def person_language(person, event: Event) -> str:
    """The language to write to ``person`` in: theirs when the event still offers it,
    else the event's default (when that has a catalogue), else the interface's first."""
    offered = person_languages(event)
    return person.locale if person.locale in offered else offered[0]


def change_person_language(person, language: str, event: Event) -> None:
    """Remember ``language`` for ``person`` (a Registration or a Speaker of ``event``, or a
    User); UnsupportedLanguage when the event does not offer it. The caller commits."""
    if language not in person_languages(event):
        raise UnsupportedLanguage(str(_l("Choose one of the languages offered.")),
                                  field="language")
    person.locale = language


def change_account_language(user, language: str) -> None:
    """Remember the interface ``language`` of a staff account. The caller commits."""
    if language not in interface_languages():
        raise UnsupportedLanguage(str(_l("Choose one of the languages offered.")),
                                  field="language")
    user.locale = language

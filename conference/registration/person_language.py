"""The language control of a person's private page (an attendee's or a speaker's): one
handler for both, so they save, answer and remember the choice the same way."""

from __future__ import annotations

from flask import flash, redirect
from flask_babel import gettext as _

from conference.extensions import db
from conference.i18n import remember_browser_language
from conference.registration.forms import PersonLanguageForm
from conference.services.languages import (
    UnsupportedLanguage,
    change_person_language,
    person_languages,
)


def save_language_choice(person, page_url: str):
    """Store the language posted for ``person`` (a Registration or a Speaker) and go back to
    their page at ``page_url``; this browser follows the choice too (it beats the person's
    stored language)."""
    form = PersonLanguageForm(languages=person_languages(person.event))
    if not form.validate_on_submit():
        flash(_("Choose one of the languages offered."), "error")
        return redirect(page_url)
    try:
        change_person_language(person, form.language.data, person.event)
    except UnsupportedLanguage as error:
        flash(error.message, "error")
        return redirect(page_url)
    db.session.commit()
    flash(_("Your language is saved."), "success")
    return remember_browser_language(redirect(page_url), person.locale)

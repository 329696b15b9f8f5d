"""A speaker's language, chosen on their private page: their emails (CfP decisions,
co-speaker invitations) and their page use it."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from conference.cfp.routes import _speaker_or_404, bp
from conference.extensions import db
from conference.i18n import remember_browser_language
from conference.registration.forms import PersonLanguageForm
from conference.security import token_access
from conference.services.languages import (
    UnsupportedLanguage,
    change_person_language,
    person_languages,
)


@bp.route("/e/<slug>/speaker/<speaker_token>/language", methods=["POST"])
@token_access
def change_language(slug: str, speaker_token: str):
    speaker = _speaker_or_404(slug, speaker_token)
    form = PersonLanguageForm(languages=person_languages(speaker.event))
    if form.validate_on_submit():
        try:
            change_person_language(speaker, form.language.data, speaker.event)
        except UnsupportedLanguage as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your language is saved."), "success")
            # This browser follows the choice too (it beats the person's stored language).
            back = redirect(url_for("cfp.speaker_page", slug=slug, speaker_token=speaker_token))
            return remember_browser_language(back, speaker.locale)
    else:
        flash(_("Choose one of the languages offered."), "error")
    return redirect(url_for("cfp.speaker_page", slug=slug, speaker_token=speaker_token))

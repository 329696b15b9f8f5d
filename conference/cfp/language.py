"""A speaker's language, chosen on their private page: their emails (CfP decisions,
co-speaker invitations) and their page use it."""

from __future__ import annotations

from flask import url_for

from conference.cfp.routes import _speaker_or_404, bp
from conference.registration.person_language import save_language_choice
from conference.security import token_access


@bp.route("/e/<slug>/speaker/<speaker_token>/language", methods=["POST"])
@token_access
def change_language(slug: str, speaker_token: str):
    speaker = _speaker_or_404(slug, speaker_token)
    return save_language_choice(
        speaker, url_for("cfp.speaker_page", slug=slug, speaker_token=speaker_token))

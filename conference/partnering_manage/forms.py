"""The organizer's partnering settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from conference.fields import TranslatedField
from conference.services.partnering.settings import (
    ITEM_MAX_LENGTH,
    LIST_MAX,
    MAX_MEETINGS_LIMIT,
    MAX_REQUESTS_SENT_LIMIT,
)


class PartneringSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Partnering is open: attendees may join, search and send "
                              "requests"))
    sectors = TranslatedField(
        _l("Sectors"), max_length=LIST_MAX * (ITEM_MAX_LENGTH + 1), multiline=True,
        description=_l("One per line, in the same order in every language (e.g. "
                       "biotechnology, medical devices, digital health)."))
    cooperation_types = TranslatedField(
        _l("Cooperation types"), max_length=LIST_MAX * (ITEM_MAX_LENGTH + 1), multiline=True,
        description=_l("One per line, in the same order in every language (e.g. research "
                       "partner, licensing, investment, supplier). Offers and requests "
                       "pick from these."))
    max_requests_sent = IntegerField(
        _l("Most requests one person may send"),
        validators=[InputRequired(), NumberRange(1, MAX_REQUESTS_SENT_LIMIT)],
        description=_l("Every request sent counts, also withdrawn and declined ones."))
    max_meetings = IntegerField(_l("Most meetings per person"),
                                validators=[InputRequired(), NumberRange(1, MAX_MEETINGS_LIMIT)])
    submit = SubmitField(_l("Save partnering settings"))

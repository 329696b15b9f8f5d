"""Forms of the organizers' email pages: a recipient group, a bulk message, a schedule."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from conference.content import language_name
from conference.fields import SelectField, TranslatedField
from conference.models import Event, RegistrationState, ScheduleAnchor
from conference.regadmin.forms import STATE_LABELS
from conference.services.messaging.bulk import MAX_PER_MINUTE
from conference.services.messaging.merge import MERGE_FIELDS
from conference.services.messaging.recipients import (
    ACTIVE_STATES,
    ATTENDEES,
    REVIEWERS,
    SPEAKERS,
    Audience,
)
from conference.services.messaging.schedules import MAX_OFFSET_MINUTES
from conference.services.registration.payment import PAYMENT_STATE_LABELS, PAYMENT_STATES

AUDIENCE_LABELS = {ATTENDEES: _l("Attendees"), SPEAKERS: _l("Speakers"),
                   REVIEWERS: _l("Reviewers")}
MERGE_HELP = _l("Markdown: **bold**, *italic*, [link text](https://...), - lists. Merge "
                "fields: %(fields)s.", fields=", ".join(f"{{{n}}}" for n in MERGE_FIELDS))


def _id(value: str) -> int | None:
    return int(value) if value else None


class AudienceForm(FlaskForm):
    """The group: the registrations list's filters, plus session, language and audience."""

    kind = SelectField(_l("Send to"), default=ATTENDEES,
                       choices=[SelectChoice(k, v) for k, v in AUDIENCE_LABELS.items()])
    q = StringField(_l("Name, organisation or email contains"),
                    validators=[Optional(), Length(max=200)])
    ticket_type = SelectField(_l("Ticket type"), validators=[Optional()], default="")
    state = SelectField(_l("Registration state"), default=RegistrationState.CONFIRMED.value)
    paid = SelectField(_l("Payment"), default="")
    checked_in = SelectField(_l("Checked in"), default="")
    session = SelectField(_l("Booked into session or workshop"), default="")
    language = SelectField(_l("Language"), default="")

    def fill_choices(self, event: Event, ticket_types, sessions) -> None:
        everyone = SelectChoice("", _l("Any"))
        self.ticket_type.choices = [everyone] + [SelectChoice(str(t.id), t.name)
                                                 for t in ticket_types]
        self.state.choices = [everyone, SelectChoice(
            ACTIVE_STATES, _l("Active (confirmed, pending, waiting)"))] + [
            SelectChoice(s.value, STATE_LABELS[s]) for s in RegistrationState]
        self.paid.choices = [everyone] + [SelectChoice(p, PAYMENT_STATE_LABELS[p])
                                          for p in PAYMENT_STATES]
        self.checked_in.choices = [everyone, SelectChoice("any", _l("Checked in (any day)")),
                                   SelectChoice("none", _l("Not checked in"))] + [
            SelectChoice(day.isoformat(), _l("Checked in on %(day)s", day=day.isoformat()))
            for day in event.days]
        self.session.choices = [everyone] + [SelectChoice(str(s.id), s.title)
                                             for s in sessions]
        self.language.choices = [everyone] + [SelectChoice(code, language_name(code))
                                              for code in event.content_languages]

    def audience(self) -> Audience:
        """The group as posted; a value that is none of the choices counts as no filter
        (validation then shows its error), so the count never fails on hostile input."""
        return Audience(kind=self._chosen(self.kind) or ATTENDEES,
                        search=(self.q.data or "")[:200].strip(),
                        ticket_type_id=_id(self._chosen(self.ticket_type)),
                        state=self._chosen(self.state), payment=self._chosen(self.paid),
                        checked_in=self._chosen(self.checked_in),
                        session_id=_id(self._chosen(self.session)),
                        language=self._chosen(self.language))

    @staticmethod
    def _chosen(field) -> str:
        values = {str(choice.value) for choice in field.choices or ()}
        return field.data if isinstance(field.data, str) and field.data in values else ""

    def load(self, audience: Audience) -> None:
        self.kind.data = audience.kind
        self.q.data = audience.search
        self.ticket_type.data = str(audience.ticket_type_id or "")
        self.state.data = audience.state
        self.paid.data = audience.payment
        self.checked_in.data = audience.checked_in
        self.session.data = str(audience.session_id or "")
        self.language.data = audience.language


class ComposeForm(AudienceForm):
    subject = TranslatedField(_l("Subject"), required=True, max_length=200)
    body = TranslatedField(_l("Text"), required=True, multiline=True, max_length=20000,
                           description=MERGE_HELP)
    per_minute = IntegerField(_l("Messages per minute"),
                              validators=[InputRequired(), NumberRange(1, MAX_PER_MINUTE)],
                              description=_l("Sending is spread out so that the mail server "
                                             "is not flooded."))
    preview_for = SelectField(_l("Preview for"), validators=[Optional()], default="")
    #: The count the organizer saw; sending refuses when the group has changed since.
    expected_count = HiddenField()
    preview = SubmitField(_l("Count and preview"))
    test = SubmitField(_l("Send a test to me"))
    send = SubmitField(_l("Send to the group"))


UNITS = {"minutes": 1, "hours": 60, "days": 24 * 60}
UNIT_LABELS = {"minutes": _l("minutes"), "hours": _l("hours"), "days": _l("days")}
ANCHOR_LABELS = {
    ScheduleAnchor.EVENT_START: _l("the event starts"),
    ScheduleAnchor.SESSION_START: _l("each session the person booked starts"),
    ScheduleAnchor.EVENT_END: _l("the event ends"),
}


class ScheduleForm(AudienceForm):
    amount = IntegerField(_l("How long"), default=1,
                          validators=[InputRequired(), NumberRange(0, MAX_OFFSET_MINUTES)])
    unit = SelectField(_l("Unit"), default="days",
                       choices=[SelectChoice(k, v) for k, v in UNIT_LABELS.items()])
    direction = SelectField(_l("Before or after"), default="before",
                            choices=[SelectChoice("before", _l("before")),
                                     SelectChoice("after", _l("after"))])
    anchor = SelectField(_l("Moment"), default=ScheduleAnchor.EVENT_START.value,
                         choices=[SelectChoice(a.value, label)
                                  for a, label in ANCHOR_LABELS.items()])
    subject = TranslatedField(_l("Subject"), required=True, max_length=200)
    body = TranslatedField(_l("Text"), required=True, multiline=True, max_length=20000,
                           description=MERGE_HELP)
    submit = SubmitField(_l("Save the schedule"))

    def offset_minutes(self) -> int:
        minutes = (self.amount.data or 0) * UNITS.get(self.unit.data, 1)
        return -minutes if self.direction.data == "before" else minutes

    def load_offset(self, offset_minutes: int) -> None:
        self.direction.data = "before" if offset_minutes < 0 else "after"
        minutes = abs(offset_minutes)
        for unit in ("days", "hours", "minutes"):
            if minutes % UNITS[unit] == 0:
                self.unit.data, self.amount.data = unit, minutes // UNITS[unit]
                return

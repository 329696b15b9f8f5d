"""An announcement's text: merge fields, checks, and rendering per language and person.

The organizer writes Markdown with merge fields (``{first_name}``, ...). The Markdown is
rendered once per language (safely: ``conference.markdown``) with the fields left as they
are; each recipient's copy then only replaces the fields by their values (escaped in the
HTML). Fields are replaced by name alone: no format-string features, so a text cannot reach
attributes or other data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import escape

from conference.content import LocalizedText
from conference.markdown import render_markdown
from conference.models import Event
from conference.services import DomainError
from conference.services.messaging.outbox import subject_naming_event
from conference.services.messaging.recipients import Recipient
from conference.urls import absolute_url

#: The merge fields a text may use.
MERGE_FIELDS = ("first_name", "event", "private_link", "badge_link", "agenda_link",
                "certificate_link")
#: Filled by us (never typed): the recipient's unsubscribe link in the footer.
UNSUBSCRIBE_FIELD = "unsubscribe_link"
FIELD_PATTERN = re.compile(r"\{([a-z_]{1,40})\}")
#: Markdown percent-encodes braces inside link targets: ``[x]({private_link})``.
ENCODED_FIELD_PATTERN = re.compile(r"%7B([a-z_]{1,40})%7D")
#: Anything in braces, checked when a text is saved (catches ``{name.attr}`` too).
BRACED_PATTERN = re.compile(r"\{([^{}\n]{1,80})\}")
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000

#: Finds raw HTML in Markdown (the renderer drops it; we refuse it so nothing is lost).
_html_finder = MarkdownIt("commonmark", {"html": True})


class AnnouncementInvalid(DomainError):
    """The text cannot be sent as it is; ``details['field']`` names the part."""

    code = "announcement_invalid"


class UnknownMergeField(AnnouncementInvalid):
    code = "unknown_merge_field"


class HtmlNotAllowed(AnnouncementInvalid):
    code = "html_not_allowed"


class TextMissing(AnnouncementInvalid):
    code = "text_missing"


def has_raw_html(markdown: str) -> bool:
    """True when the Markdown holds raw HTML (a tag, a comment, a script)."""
    for token in _html_finder.parse(markdown):
        if token.type == "html_block":
            return True
        if any(child.type == "html_inline" for child in token.children or ()):
            return True
    return False


def check_texts(event: Event, subject: LocalizedText, body: LocalizedText) -> None:
    """Refuse unknown merge fields, raw HTML, and a missing subject or text (in the
    event's default language)."""
    known = ", ".join(f"{{{name}}}" for name in MERGE_FIELDS)
    for name, text in (("subject", subject), ("body", body)):
        if not LocalizedText(text).exact(event.language).strip():
            raise TextMissing(str(_l("Write a subject and a text in the event's default "
                                     "language.")), field=name)
        for value in LocalizedText(text).translations().values():
            unknown = sorted(set(BRACED_PATTERN.findall(value)) - set(MERGE_FIELDS))
            if unknown:
                raise UnknownMergeField(str(_l(
                    "Unknown merge field: %(names)s. Use %(known)s.",
                    names=", ".join(f"{{{n}}}" for n in unknown), known=known)), field=name)
            if name == "body" and has_raw_html(value):
                raise HtmlNotAllowed(str(_l(
                    "HTML is not allowed in the text; use Markdown (for example **bold**, "
                    "[a link](https://example.org)).")), field=name)


def merge_values(event: Event, recipient: Recipient, language: str) -> dict[str, str]:
    """The values of the merge fields for one recipient."""
    values = {"first_name": recipient.first_name,
              "event": event.name.in_language(language, event.language),
              "private_link": "", "badge_link": "", "certificate_link": "",
              "agenda_link": absolute_url("agenda.programme", slug=event.slug)}
    if recipient.registration_token:
        token = recipient.registration_token
        values["private_link"] = absolute_url("registration.private_page", slug=event.slug,
                                              token=token)
        values["badge_link"] = absolute_url("badges.attendee_badge", slug=event.slug,
                                            token=token)
        values["agenda_link"] = absolute_url("agenda.my_agenda", slug=event.slug, token=token)
        # The certificate's download address (no query per recipient: write to those checked
        # in once certificates are released; anyone without one gets a "not found" page).
        values["certificate_link"] = absolute_url("certificates.attendee_pdf",
                                                  slug=event.slug, token=token)
    elif recipient.speaker_token:
        values["private_link"] = absolute_url("cfp.speaker_page", slug=event.slug,
                                              speaker_token=recipient.speaker_token)
    return values


def fill(text: str, values: dict[str, str]) -> str:
    return FIELD_PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def fill_html(html: str, values: dict[str, str]) -> str:
    escaped = {name: str(escape(value)) for name, value in values.items()}

    def replace(match: re.Match) -> str:
        return escaped.get(match.group(1), match.group(0))

    return ENCODED_FIELD_PATTERN.sub(replace, FIELD_PATTERN.sub(replace, html))


@dataclass(frozen=True)
class PreparedMessage:
    """One language's message with its merge fields still in place."""

    language: str
    subject: str
    text: str
    html: str

    def personalize(self, values: dict[str, str]) -> tuple[str, str, str]:
        """(subject, text, HTML) for one recipient."""
        subject = " ".join(fill(self.subject, values).split())
        return subject, fill(self.text, values), fill_html(self.html, values)


def prepare(event: Event, subject: LocalizedText, body: LocalizedText,
            language: str) -> PreparedMessage:
    """Render the message in ``language`` once (Markdown and the email frame)."""
    markdown = LocalizedText(body).in_language(language, event.language)
    with force_locale(language):
        subject_text = subject_naming_event(
            LocalizedText(subject).in_language(language, event.language), event)
        context = {"event": event, "body_text": markdown,
                   "body_html": render_markdown(markdown),
                   "unsubscribe_link": f"{{{UNSUBSCRIBE_FIELD}}}"}
        text = render_template("email/announcement.txt", **context)
        html = render_template("email/announcement.html", **context)
    return PreparedMessage(language, subject_text, text, html)


def body_part(html: str) -> str:
    """The inside of an email's ``<body>`` (to show a preview within a page)."""
    start, end = html.find("<body>"), html.rfind("</body>")
    return html[start + len("<body>"):end] if start >= 0 and end > start else html


def render_for(event: Event, subject: LocalizedText, body: LocalizedText,
               recipient: Recipient, unsubscribe_link: str) -> tuple[str, str, str]:
    """(subject, text, HTML) of the message as ``recipient`` reads it (a preview)."""
    language = recipient.locale or event.language
    prepared = prepare(event, subject, body, language)
    values = merge_values(event, recipient, language)
    values[UNSUBSCRIBE_FIELD] = unsubscribe_link
    return prepared.personalize(values)

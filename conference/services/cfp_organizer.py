"""What organizers may do to proposals and speakers beyond the speakers' own rights."""

from __future__ import annotations

from conference.models import Speaker


def set_speaker_visibility(speaker: Speaker, public: bool) -> Speaker:
    """Show or hide a speaker on every public page and export: the speakers pages, the
    programme, session pages, hall screens, iCalendar, JSON and schedule XML (all read
    ``Speaker.is_public``). Organizers keep seeing a hidden speaker, marked, in the back
    office; the speaker's own private pages are unchanged."""
    speaker.is_public = public
    return speaker

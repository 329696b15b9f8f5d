"""Organizers' rights on the call: editing proposals at any time, hiding speakers."""

from __future__ import annotations

from conference.extensions import db
from conference.services import cfp
from conference.services.cfp_organizer import set_speaker_visibility


def test_hiding_a_speaker_takes_them_off_the_public_lists_and_showing_brings_them_back(
        make_event, make_speaker, make_session):
    event = make_event()
    hidden, shown = make_speaker(event), make_speaker(event)
    session = make_session(event, speakers=[hidden, shown])

    set_speaker_visibility(hidden, False)
    db.session.commit()
    assert cfp.public_speakers(event) == [shown]
    assert session.public_speakers == [shown]
    assert set(session.speakers) == {hidden, shown}  # still in the session

    set_speaker_visibility(hidden, True)
    db.session.commit()
    assert set(cfp.public_speakers(event)) == {hidden, shown}
    assert set(session.public_speakers) == {hidden, shown}

"""The public face's rules: ticket offers and seats, highlights, partners, images, the
widget's allowed sites, the events index and calendar, and the JSON-LD block."""

from __future__ import annotations

import datetime as dt
import io
import json

import icalendar
import pytest
from PIL import Image

from conference.extensions import db
from conference.models import (
    EventKind,
    EventStatus,
    PartnerLevel,
    RegistrationState,
    SeatsDisplay,
    SessionType,
)
from conference.services.promotion.images import (
    ImageTooLarge,
    InvalidImage,
    image_path,
    store_hero,
    store_logo,
)
from conference.services.promotion.index import events_calendar, events_index
from conference.services.promotion.partners import (
    InvalidPartnerLink,
    PartnerFields,
    check_web_link,
    delete_partner,
    move_partner,
    partners_by_level,
    save_partner,
)
from conference.services.promotion.showcase import (
    SalesState,
    programme_highlights,
    ticket_offers,
)
from conference.services.promotion.structured_data import json_ld_script_body
from conference.services.promotion.widget import (
    InvalidOrigin,
    parse_origins,
    widget_frame_ancestors,
)
from conference.services.registration.seats import remaining_seats
from tests.fixtures.cfp import image_bytes

NOW = dt.datetime(2026, 4, 1, 10, 0, tzinfo=dt.UTC)
SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
                   b'<script>alert(1)</script></svg>')


def _hold_seats(make_registration, event, ticket_type, count):
    for _ in range(count):
        make_registration(event, ticket_type, state=RegistrationState.CONFIRMED)


# --- Ticket offers ------------------------------------------------------------------------


def test_offers_count_the_same_seats_left_as_registration_does(
        make_event, make_ticket_type, make_registration):
    event = make_event(capacity=5)
    small = make_ticket_type(event, capacity=3)
    outside = make_ticket_type(event, capacity=None, counts_toward_event_capacity=False)
    open_ended = make_ticket_type(event, capacity=None)
    _hold_seats(make_registration, event, small, 2)
    _hold_seats(make_registration, event, open_ended, 2)
    _hold_seats(make_registration, event, outside, 4)
    seats = {offer.ticket_type.id: offer.seats_left for offer in ticket_offers(event, NOW)}
    for ticket_type in (small, outside, open_ended):
        assert seats[ticket_type.id] == remaining_seats(ticket_type)
    assert seats == {small.id: 1, outside.id: None, open_ended.id: 1}


def test_offers_leave_out_ticket_types_behind_an_access_code(make_event, make_ticket_type):
    event = make_event()
    make_ticket_type(event, name="Speaker", is_public=False, access_code="SPEAK")
    public = make_ticket_type(event, name="Regular")
    assert [o.ticket_type for o in ticket_offers(event, NOW)] == [public]


@pytest.mark.parametrize(("window", "state", "availability"), [
    ({}, SalesState.ON_SALE, "https://schema.org/InStock"),
    ({"sales_open_at": NOW + dt.timedelta(days=1)}, SalesState.NOT_YET,
     "https://schema.org/PreOrder"),
    ({"sales_close_at": NOW - dt.timedelta(days=1)}, SalesState.ENDED,
     "https://schema.org/SoldOut"),
])
def test_an_offer_follows_the_sales_window(make_event, make_ticket_type, window, state,
                                           availability):
    event = make_event()
    make_ticket_type(event, **window)
    offer = ticket_offers(event, NOW)[0]
    assert (offer.state, offer.availability) == (state, availability)


def test_a_full_ticket_type_is_sold_out(make_event, make_ticket_type, make_registration):
    event = make_event()
    ticket_type = make_ticket_type(event, capacity=1)
    _hold_seats(make_registration, event, ticket_type, 1)
    offer = ticket_offers(event, NOW)[0]
    assert offer.state is SalesState.SOLD_OUT
    assert offer.availability == "https://schema.org/SoldOut"


def test_a_closed_event_offers_nothing_for_sale(make_event, make_ticket_type):
    event = make_event(status=EventStatus.CLOSED)
    make_ticket_type(event)
    assert ticket_offers(event, NOW)[0].state is SalesState.CLOSED


@pytest.mark.parametrize(("mode", "threshold", "free", "note"), [
    (SeatsDisplay.EXACT, 10, 40, ("exact", 40)),
    (SeatsDisplay.FEW_LEFT, 10, 40, None),
    (SeatsDisplay.FEW_LEFT, 45, 40, ("few", 40)),
    (SeatsDisplay.HIDDEN, 100, 40, None),
])
def test_the_seats_note_follows_the_organizers_choice(make_event, make_ticket_type, mode,
                                                      threshold, free, note):
    event = make_event(seats_display=mode, few_seats_threshold=threshold)
    make_ticket_type(event, capacity=free)
    assert ticket_offers(event, NOW)[0].seats_note == note


# --- Highlights ---------------------------------------------------------------------------


def test_highlights_are_the_sessions_the_organizers_marked(make_event, make_session):
    event = make_event()
    make_session(event, session_type=SessionType.KEYNOTE)
    marked = make_session(event, start="12:00", end="13:00", is_highlight=True)
    assert programme_highlights(event) == [marked]


def test_without_marked_highlights_the_keynotes_are_shown(make_event, make_session):
    event = make_event()
    make_session(event)
    keynote = make_session(event, start="09:00", end="10:00", session_type=SessionType.KEYNOTE)
    make_session(event, session_type=SessionType.KEYNOTE, is_public=False)
    assert programme_highlights(event) == [keynote]


# --- Partners -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)",
                                 "data:text/html,<b>x</b>", "/relative", "https://",
                                 "ftp://example.org", "https://exa mple.org"])
def test_a_partner_link_must_be_a_web_address(url):
    with pytest.raises(InvalidPartnerLink):
        check_web_link(url)


def test_a_web_address_is_accepted_as_typed():
    assert check_web_link("  https://www.alsace.eu/en?x=1  ") == "https://www.alsace.eu/en?x=1"


def test_a_refused_link_leaves_the_partner_unchanged(make_event):
    event = make_event()
    partner = save_partner(event, None, PartnerFields(name="Alsace", url="https://alsace.eu"))
    db.session.commit()
    with pytest.raises(InvalidPartnerLink):
        save_partner(event, partner, PartnerFields(name="Evil", url="javascript:alert(1)"))
    db.session.rollback()
    assert (partner.name, partner.url) == ("Alsace", "https://alsace.eu")


def test_partners_are_grouped_by_level_in_page_order(make_event):
    event = make_event()
    media = save_partner(event, None, PartnerFields(name="Radio", level=PartnerLevel.MEDIA))
    gold_1 = save_partner(event, None, PartnerFields(name="Pharma", level=PartnerLevel.GOLD))
    host = save_partner(event, None, PartnerFields(name="Cluster", level=PartnerLevel.HOST))
    gold_2 = save_partner(event, None, PartnerFields(name="Biotech", level=PartnerLevel.GOLD))
    db.session.commit()
    assert partners_by_level(event) == [(PartnerLevel.HOST, [host]),
                                        (PartnerLevel.GOLD, [gold_1, gold_2]),
                                        (PartnerLevel.MEDIA, [media])]


def test_moving_a_partner_up_swaps_it_with_the_one_before(make_event):
    event = make_event()
    first, second, third = (save_partner(event, None, PartnerFields(name=name))
                            for name in ("A", "B", "C"))
    move_partner(third, -1)
    db.session.commit()
    assert partners_by_level(event)[0][1] == [first, third, second]


def test_deleting_a_partner_removes_its_logo_file(make_event):
    event = make_event()
    partner = save_partner(event, None, PartnerFields(name="A", logo=image_bytes()))
    name = partner.logo_filename
    assert image_path(name) is not None
    delete_partner(partner)
    db.session.commit()
    assert image_path(name) is None


# --- Images -------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [SVG_WITH_SCRIPT, b"<html><script>alert(1)</script></html>",
                                  b"GIF89a" + b"\x00" * 20, b""])
def test_a_hero_image_must_be_a_real_raster_image(app, data):
    with pytest.raises(InvalidImage):
        store_hero(data)


def test_a_logo_larger_than_5_mb_is_refused(app):
    with pytest.raises(ImageTooLarge):
        store_logo(b"\x89PNG" + b"\x00" * (5 * 1024 * 1024 + 1))


def test_a_hero_image_is_stored_re_encoded_as_jpeg(app):
    name = store_hero(image_bytes("PNG", size=(2400, 1260)))
    data = image_path(name).read_bytes()
    assert data[:3] == b"\xff\xd8\xff"
    assert Image.open(io.BytesIO(data)).size == (1920, 1008)


# --- Widget -------------------------------------------------------------------------------


def test_widget_origins_are_normalised_and_deduplicated():
    assert parse_origins("https://Partner.example/\nhttps://partner.example  http://b.eu") == [
        "https://partner.example", "http://b.eu"]


@pytest.mark.parametrize("text", ["javascript:alert(1)", "https://a.eu/page", "*",
                                  "https://*.example", "partner.example", "https://a.eu?x"])
def test_a_widget_origin_must_be_a_bare_site_address(text):
    with pytest.raises(InvalidOrigin):
        parse_origins(text)


def test_the_widget_may_be_framed_anywhere_unless_sites_are_listed(make_event):
    assert widget_frame_ancestors(make_event()) == "*"
    listed = make_event(widget_origins="https://a.eu https://b.eu")
    assert widget_frame_ancestors(listed) == "'self' https://a.eu https://b.eu"


# --- Index and calendar -------------------------------------------------------------------


def test_the_index_filters_by_kind(make_event):
    workshop = make_event(kind=EventKind.WORKSHOP, starts_on=dt.date(2026, 6, 1),
                          ends_on=dt.date(2026, 6, 1))
    make_event(kind=EventKind.EDITION, starts_on=dt.date(2026, 6, 2), ends_on=dt.date(2026, 6, 3))
    index = events_index(EventKind.WORKSHOP, now=NOW)
    assert (index.upcoming, index.past) == ([workshop], [])


def test_the_calendar_has_one_all_day_entry_per_event(make_event):
    first = make_event(name="Edition 2026", starts_on=dt.date(2026, 5, 12),
                       ends_on=dt.date(2026, 5, 13))
    second = make_event(name="Study visit Lyon", kind=EventKind.STUDY_VISIT)
    calendar = icalendar.Calendar.from_ical(events_calendar([first, second], now=NOW))
    entries = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in entries] == ["Edition 2026", "Study visit Lyon"]
    assert entries[0].decoded("dtstart") == dt.date(2026, 5, 12)
    assert entries[0].decoded("dtend") == dt.date(2026, 5, 14)
    assert str(entries[0]["url"]).endswith(f"/e/{first.slug}/")


# --- JSON-LD block ------------------------------------------------------------------------


def test_json_ld_cannot_end_its_script_block():
    body = json_ld_script_body({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in body and ">" not in body
    assert json.loads(body) == {"name": "</script><script>alert(1)</script> & <!--"}

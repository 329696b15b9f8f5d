"""The public face in the browser's terms: event page sharing data (Open Graph, Twitter,
JSON-LD), languages in the URL, sitemap and robots, the events index and calendar, the
framable widget, and the organizer pages for partners, sharing and the hero image."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import icalendar
import pytest
from lxml import etree

from conference.extensions import db
from conference.models import (
    EventKind,
    EventStatus,
    Partner,
    PartnerLevel,
    Role,
    SessionType,
    TicketType,
)
from conference.services.promotion.images import image_path
from tests.fixtures.cfp import image_bytes

SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
                   b'<script>alert(1)</script></svg>')


class _Head(HTMLParser):
    """Collects meta, link and JSON-LD blocks of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def _head(response) -> _Head:
    assert response.status_code == 200
    parser = _Head()
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.fixture
def shared_event(make_event, make_ticket_type, make_speaker, make_session):
    """An event with a pitch in two languages, a hero image, two tickets, a featured
    speaker, a keynote and a partner."""
    from conference.services.promotion.images import store_hero
    from conference.services.promotion.partners import PartnerFields, save_partner

    event = make_event(slug="lsos-2026", name={"pl": "Open Space 2026 PL", "en": "Open Space 2026"},
                       pitch={"pl": "Trzy dni nauk o życiu w Krakowie.",
                              "en": "Three days of life science in Kraków."},
                       hero_filename=store_hero(image_bytes(size=(1200, 630))))
    make_ticket_type(event, name={"pl": "Normalny", "en": "Regular"}, price=Decimal("450.00"),
                     currency="PLN", capacity=200,
                     includes={"pl": "Obiady", "en": "Lunches on both days"})
    make_ticket_type(event, name="Student", price=Decimal("0"), capacity=50,
                     sales_open_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    star = make_speaker(event, name="Jennifer Doudna", is_invited=True, is_featured=True)
    make_speaker(event, name="Not Featured", is_invited=True)
    make_session(event, title={"pl": "Otwarcie", "en": "Opening keynote"},
                 session_type=SessionType.KEYNOTE, speakers=[star])
    save_partner(event, None, PartnerFields(name="Region Alsace", url="https://alsace.eu",
                                            level=PartnerLevel.PARTNER_REGION,
                                            logo=image_bytes()))
    db.session.commit()
    return event


# --- Sharing data -------------------------------------------------------------------------


def test_the_event_page_has_schema_org_event_data(client, shared_event):
    head = _head(client.get("/e/lsos-2026/?lang=en"))
    assert len(head.json_ld) == 1
    data = json.loads(head.json_ld[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Open Space 2026"
    assert dt.datetime.fromisoformat(data["startDate"]) == dt.datetime(
        2026, 5, 12, tzinfo=shared_event.tz)
    assert data["startDate"].endswith("+02:00")
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["@type"] == "PostalAddress"
    offers = {offer["name"]: offer for offer in data["offers"]}
    assert offers["Regular"]["price"] == "450.00"
    assert offers["Regular"]["priceCurrency"] == "PLN"
    assert offers["Regular"]["availability"] == "https://schema.org/InStock"
    assert offers["Student"]["availability"] == "https://schema.org/PreOrder"
    assert [p["name"] for p in data["performer"]] == ["Jennifer Doudna"]
    assert data["image"][0].startswith("http://localhost/e/lsos-2026/hero?v=")


def test_the_event_page_has_open_graph_and_twitter_cards(client, shared_event):
    head = _head(client.get("/e/lsos-2026/?lang=pl"))
    assert head.meta["og:title"] == ["Open Space 2026 PL"]
    assert head.meta["og:description"] == ["Trzy dni nauk o życiu w Krakowie."]
    assert head.meta["og:url"] == ["http://localhost/e/lsos-2026/?lang=pl"]
    assert head.meta["og:image"][0].startswith("http://localhost/e/lsos-2026/hero?v=")
    assert head.meta["og:locale"] == ["pl_PL"]
    assert head.meta["og:locale:alternate"] == ["en_GB"]
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert head.meta["twitter:image"] == head.meta["og:image"]


def test_the_sharing_image_is_served_and_cached_under_its_version(client, shared_event):
    url = _head(client.get("/e/lsos-2026/")).meta["og:image"][0].removeprefix("http://localhost")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "immutable" in response.headers["Cache-Control"]


def test_the_language_in_the_url_chooses_the_page_language(client, shared_event):
    assert "Three days of life science" in client.get("/e/lsos-2026/?lang=en").get_data(
        as_text=True)
    assert "Trzy dni nauk" in client.get("/e/lsos-2026/?lang=pl").get_data(as_text=True)


def test_public_pages_name_their_canonical_url_and_language_alternates(client, shared_event):
    head = _head(client.get("/e/lsos-2026/?lang=en&utm_source=linkedin"))
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    alternates = {link["hreflang"]: link["href"] for link in head.links
                  if link.get("rel") == "alternate" and "hreflang" in link}
    assert canonical == ["http://localhost/e/lsos-2026/?lang=en"]
    assert alternates == {"pl": "http://localhost/e/lsos-2026/?lang=pl",
                          "en": "http://localhost/e/lsos-2026/?lang=en",
                          "x-default": "http://localhost/e/lsos-2026/"}


def test_an_event_in_one_language_has_no_alternate_in_another(client, make_event):
    make_event(slug="polish-only", language="pl", languages="pl")
    head = _head(client.get("/e/polish-only/"))
    assert {link["hreflang"] for link in head.links if "hreflang" in link} == {"pl", "x-default"}


def test_management_pages_have_no_language_alternates(client, shared_event, make_user, login):
    login(client, make_user(Role.ORGANIZER, events=[shared_event]))
    head = _head(client.get("/manage/lsos-2026/"))
    assert not [link for link in head.links if "hreflang" in link]


def test_switching_language_drops_the_language_of_the_url(client, shared_event):
    response = client.post("/lang", data={"lang": "pl", "next": "/e/lsos-2026/?lang=en&x=1"})
    assert response.headers["Location"] == "/e/lsos-2026/?x=1"


def test_the_event_page_shows_tickets_speakers_highlights_and_partners(client, shared_event):
    html = client.get("/e/lsos-2026/?lang=en").get_data(as_text=True)
    for text in ("Regular", "Lunches on both days", "Jennifer Doudna", "Opening keynote",
                 "Partner regions", 'href="https://alsace.eu"', 'alt="Region Alsace"'):
        assert text in html, text
    assert "Not Featured" not in html


def test_the_call_to_register_shows_only_while_registration_is_open(client, make_event,
                                                                    make_ticket_type):
    open_event = make_event(slug="open")
    make_ticket_type(open_event)
    closed = make_event(slug="closed", status=EventStatus.CLOSED)
    make_ticket_type(closed)
    assert 'class="button cta" href="/e/open/register"' in client.get("/e/open/").get_data(
        as_text=True)
    assert 'href="/e/closed/register"' not in client.get("/e/closed/").get_data(as_text=True)


# --- Sitemap, robots, index, calendar -----------------------------------------------------


def test_the_sitemap_lists_public_pages_in_each_language(client, shared_event, make_event):
    make_event(slug="draft-one", status=EventStatus.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = etree.fromstring(response.data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "x": "http://www.w3.org/1999/xhtml"}
    locations = root.xpath("//s:url/s:loc/text()", namespaces=ns)
    assert "http://localhost/e/lsos-2026/?lang=pl" in locations
    assert "http://localhost/e/lsos-2026/?lang=en" in locations
    assert "http://localhost/e/lsos-2026/programme?lang=en" in locations
    assert "http://localhost/e/lsos-2026/speakers?lang=pl" in locations
    assert not [loc for loc in locations if "draft-one" in loc]
    entry = root.xpath("//s:url[s:loc='http://localhost/e/lsos-2026/?lang=pl']", namespaces=ns)[0]
    assert {link.get("hreflang"): link.get("href")
            for link in entry.xpath("x:link", namespaces=ns)} == {
        "pl": "http://localhost/e/lsos-2026/?lang=pl",
        "en": "http://localhost/e/lsos-2026/?lang=en",
        "x-default": "http://localhost/e/lsos-2026/"}


def test_robots_keep_crawlers_out_of_private_pages_and_point_to_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    for rule in ("Disallow: /manage/", "Disallow: /checkin/", "Disallow: /e/*/r/",
                 "Sitemap: http://localhost/sitemap.xml"):
        assert rule in text.splitlines(), rule


def test_the_events_calendar_lists_every_public_event(client, shared_event, make_event):
    make_event(name="Hidden Draft", status=EventStatus.DRAFT)
    make_event(name="Study visit Lyon", kind=EventKind.STUDY_VISIT)
    response = client.get("/events.ics?lang=en")
    assert response.mimetype == "text/calendar"
    summaries = [str(entry["summary"])
                 for entry in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]
    assert sorted(summaries) == ["Open Space 2026", "Study visit Lyon"]


def test_the_home_page_filters_events_by_kind(client, make_event):
    soon = dt.date.today() + dt.timedelta(days=20)
    make_event(name="Bioprinting workshop", kind=EventKind.WORKSHOP, starts_on=soon, ends_on=soon)
    make_event(name="Main edition", starts_on=soon, ends_on=soon)
    html = client.get("/?kind=workshop&lang=en").get_data(as_text=True)
    assert "Bioprinting workshop" in html and "Main edition" not in html
    assert "Main edition" in client.get("/?kind=nonsense").get_data(as_text=True)


# --- Framing ------------------------------------------------------------------------------


def test_only_the_widget_may_be_framed(client, shared_event):
    page = client.get("/e/lsos-2026/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    widget = client.get("/e/lsos-2026/widget")
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget.headers
    assert "frame-ancestors *" in widget.headers["Content-Security-Policy"]
    assert "script-src 'self'" in widget.headers["Content-Security-Policy"]


def test_the_widget_may_be_framed_only_by_the_listed_sites(client, make_event):
    make_event(slug="partners-only", widget_origins="https://malopolska.example")
    policy = client.get("/e/partners-only/widget").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://malopolska.example;" in policy + ";"


def test_the_widget_opens_registration_in_a_new_tab(client, shared_event):
    html = client.get("/e/lsos-2026/widget?lang=en").get_data(as_text=True)
    assert re.search(r'<a class="register" href="http://localhost/e/lsos-2026/register" '
                     r'target="_blank" rel="noopener">', html)
    assert "450" in html


# --- Organizer pages ----------------------------------------------------------------------


@pytest.fixture
def organizer_client(client, shared_event, make_user, login):
    login(client, make_user(Role.ORGANIZER, events=[shared_event]))
    return client


def _partner_form(**fields):
    data = {"name-pl": "Małopolska", "name-en": "Lesser Poland", "level": "partner_region",
            "url": "https://www.malopolska.pl"}
    data.update(fields)
    return data


def test_an_organizer_adds_a_partner_with_a_logo(organizer_client, shared_event):
    response = organizer_client.post(
        "/manage/lsos-2026/partners",
        data=_partner_form(logo=(io.BytesIO(image_bytes("JPEG")), "logo.jpg")),
        content_type="multipart/form-data")
    assert response.status_code == 302
    partner = db.session.execute(db.select(Partner).filter_by(url="https://www.malopolska.pl")
                                 ).scalar_one()
    assert partner.name.exact("en") == "Lesser Poland"
    assert image_path(partner.logo_filename) is not None


def test_a_partner_link_to_javascript_is_refused(organizer_client, shared_event):
    response = organizer_client.post("/manage/lsos-2026/partners",
                                     data=_partner_form(url="javascript:alert(1)"))
    assert response.status_code == 200
    assert "Enter a web address starting with https://" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Partner).filter_by(url="javascript:alert(1)")).first() \
        is None


def test_an_svg_logo_with_a_script_is_refused(organizer_client, shared_event):
    response = organizer_client.post(
        "/manage/lsos-2026/partners",
        data=_partner_form(logo=(io.BytesIO(SVG_WITH_SCRIPT), "logo.svg")),
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert "is not a JPEG, PNG, WebP or GIF image" in response.get_data(as_text=True)


def test_an_organizer_reorders_and_deletes_partners(organizer_client, shared_event):
    for name in ("Second", "Third"):
        organizer_client.post("/manage/lsos-2026/partners",
                              data=_partner_form(**{"name-pl": name, "name-en": name,
                                                    "level": "partner",
                                                    "url": f"https://{name}.example"}))
    third = db.session.execute(db.select(Partner).filter_by(url="https://Third.example")
                               ).scalar_one()
    organizer_client.post(f"/manage/lsos-2026/partners/{third.id}/move",
                          data={"direction": "up"})
    partners = db.session.execute(db.select(Partner).where(Partner.level == third.level)
                                  .order_by(Partner.position)).scalars().all()
    assert [str(p.name) for p in partners] == ["Third", "Second"]
    organizer_client.post(f"/manage/lsos-2026/partners/{third.id}/delete")
    assert db.session.execute(db.select(Partner.id).filter_by(id=third.id)).first() is None


def test_an_organizer_edits_a_partner(organizer_client, shared_event):
    partner = db.session.execute(db.select(Partner)).scalars().first()
    page = organizer_client.get(f"/manage/lsos-2026/partners/{partner.id}")
    assert "Region Alsace" in page.get_data(as_text=True)
    organizer_client.post(f"/manage/lsos-2026/partners/{partner.id}",
                          data=_partner_form(level="gold"))
    db.session.refresh(partner)
    assert (partner.level.value, partner.url) == ("gold", "https://www.malopolska.pl")


def test_the_share_page_chooses_featured_speakers_highlights_and_widget_sites(
        organizer_client, shared_event, make_session):
    from conference.models import Speaker

    other = db.session.execute(db.select(Speaker).filter_by(name="Not Featured")).scalar_one()
    session = make_session(shared_event, start="15:00", end="16:00")
    page = organizer_client.get("/manage/lsos-2026/share").get_data(as_text=True)
    assert "http://localhost/e/lsos-2026/widget" in page
    response = organizer_client.post("/manage/lsos-2026/share", data={
        "featured": [other.id], "highlights": [session.id],
        "widget_origins": "https://partner.example/"})
    assert response.status_code == 302
    db.session.refresh(other)
    db.session.refresh(session)
    db.session.refresh(shared_event)
    assert other.is_featured and session.is_highlight
    assert shared_event.widget_origins == "https://partner.example"


def test_the_share_page_refuses_a_widget_site_with_a_path(organizer_client, shared_event):
    response = organizer_client.post("/manage/lsos-2026/share",
                                     data={"widget_origins": "https://partner.example/page"})
    assert response.status_code == 200
    assert "is not a site address" in response.get_data(as_text=True)


def _event_form(event, **fields):
    data = {"name-pl": "Open Space 2026 PL", "name-en": "Open Space 2026", "slug": event.slug,
            "starts_on": "2026-05-12", "ends_on": "2026-05-13", "timezone": "Europe/Warsaw",
            "status": "published", "language": "pl", "languages": ["pl", "en"],
            "kind": "workshop", "seats_display": "exact", "few_seats_threshold": "5",
            "pitch-pl": "Nowy opis", "pitch-en": "New pitch"}
    data.update(fields)
    return data


def test_the_event_form_sets_the_public_face(organizer_client, shared_event):
    response = organizer_client.post(
        "/manage/lsos-2026/edit",
        data=_event_form(shared_event,
                         hero_image=(io.BytesIO(image_bytes("PNG", (1600, 900))), "hero.png")),
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(shared_event)
    assert shared_event.kind is EventKind.WORKSHOP
    assert shared_event.pitch.exact("en") == "New pitch"
    assert shared_event.few_seats_threshold == 5
    assert image_path(shared_event.hero_filename).read_bytes()[:3] == b"\xff\xd8\xff"


def test_the_event_form_refuses_an_svg_hero_image(organizer_client, shared_event):
    before = shared_event.hero_filename
    response = organizer_client.post(
        "/manage/lsos-2026/edit",
        data=_event_form(shared_event, hero_image=(io.BytesIO(SVG_WITH_SCRIPT), "hero.svg")),
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert "is not a JPEG, PNG, WebP or GIF image" in response.get_data(as_text=True)
    db.session.refresh(shared_event)
    assert shared_event.hero_filename == before and shared_event.kind is EventKind.EDITION


def test_the_ticket_type_form_saves_what_the_ticket_includes(organizer_client, shared_event):
    ticket_type = db.session.execute(db.select(TicketType).filter_by(
        event_id=shared_event.id)).scalars().first()
    page = organizer_client.get(f"/manage/lsos-2026/ticket-types/{ticket_type.id}/edit")
    assert 'name="includes-en"' in page.get_data(as_text=True)


def test_the_language_in_the_url_holds_for_that_request_only(client, shared_event):
    client.get("/e/lsos-2026/?lang=en", headers={"Accept-Language": "pl"})
    html = client.get("/e/lsos-2026/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Trzy dni nauk" in html


def test_an_unknown_language_in_the_url_is_ignored(client, shared_event):
    response = client.get("/e/lsos-2026/?lang=xx", headers={"Accept-Language": "pl"})
    assert "Trzy dni nauk" in response.get_data(as_text=True)


def test_without_a_pitch_the_card_describes_the_event_with_its_first_words(client, make_event):
    make_event(slug="plain", description="The **international** meeting of the [cluster]"
                                         "(https://example.org) in Kraków.")
    head = _head(client.get("/e/plain/?lang=en"))
    assert head.meta["og:description"] == ["The international meeting of the cluster in Kraków."]

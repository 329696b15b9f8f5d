"""Names, organizations and staff accounts shared by the demo steps."""

from __future__ import annotations

from conference.content import LocalizedText
from conference.models import Role

#: Demo staff accounts (all with this password; change them on a real server).
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo login
DEMO_STAFF = [
    ("organizer@lsos.example", "Anna Nowak", Role.ORGANIZER, True),
    ("door@lsos.example", "Piotr Wiśniewski", Role.DOOR, False),
    ("reviewer@lsos.example", "Claire Dubois", Role.REVIEWER, False),
]

FIRST_NAMES = [
    "Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Łukasz", "Agnieszka", "Michał",
    "Zofia", "Jakub", "Małgorzata", "Paweł", "Claire", "Julien", "Sophie", "Mathieu",
    "Lena", "Jonas", "Hannah", "Felix", "Lucía", "Javier", "Carmen", "Pablo", "Ilze",
    "Jānis", "Līga", "Andris", "Eilidh", "Callum", "Isla", "Fraser", "Grzegorz", "Weronika",
]
LAST_NAMES = [
    "Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zielińska",
    "Szymański", "Woźniak", "Dąbrowski", "Żółkiewski-Wąsowicz", "Dubois", "Lefèvre",
    "Moreau", "Müller", "Schäfer", "Weiß", "García", "Martínez", "Núñez", "Bērziņa",
    "Kalniņš", "Ozoliņa", "MacLeod", "O'Brien", "Campbell", "Fraser", "Grabowska",
]
ORGANIZATIONS = [
    ("Jagiellonian University", "PL"), ("AGH University of Krakow", "PL"),
    ("Krakow Technology Park", "PL"), ("Selvita", "PL"), ("Ryvu Therapeutics", "PL"),
    ("Polpharma Biologics", "PL"), ("Medicen Paris Region", "FR"), ("Institut Pasteur", "FR"),
    ("BioRN Network", "DE"), ("Heidelberg University Hospital", "DE"),
    ("Biocat", "ES"), ("Universitat de Barcelona", "ES"),
    ("Latvian Institute of Organic Synthesis", "LV"),
    ("Riga Stradiņš University", "LV"), ("Life Sciences Scotland", "GB"),
    ("University of Edinburgh", "GB"),
]


def en_pl(english: str, polish: str) -> LocalizedText:
    """A demo text in the demo event's two languages (English the default)."""
    return LocalizedText({"en": english, "pl": polish})

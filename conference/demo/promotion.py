"""Demo data of the public face: pitch, partners and sponsors, featured speakers."""

from __future__ import annotations

import random

from conference.extensions import db
from conference.models import Event, PartnerLevel, Speaker
from conference.services.cfp.proposals import public_speakers
from conference.services.promotion.partners import PartnerFields, save_partner

#: (level, name per language, site) of the demo's partners.
DEMO_PARTNERS = [
    (PartnerLevel.HOST, {"pl": "Klaster LifeScience Kraków", "en": "LifeScience Kraków Cluster"},
     "https://lifescience.example"),
    (PartnerLevel.GOLD, "Selvita", "https://selvita.example"),
    (PartnerLevel.SILVER, "Ryvu Therapeutics", "https://ryvu.example"),
    (PartnerLevel.PARTNER_REGION, {"pl": "Region Alzacji", "en": "Alsace BioValley"},
     "https://alsace.example"),
    (PartnerLevel.PARTNER_REGION, {"pl": "Łotwa", "en": "Latvia"}, "https://latvia.example"),
    (PartnerLevel.MEDIA, "Puls Biznesu", "https://pb.example"),
]


def _demo_promotion(event: Event, rng: random.Random) -> str:
    event.pitch = {"pl": "Dwa dni nauk o życiu w Krakowie: wykłady, warsztaty, partnering "
                         "i wizyty studyjne z regionami partnerskimi.",
                   "en": "Two days of life science in Kraków: keynotes, workshops, partnering "
                         "and study visits with our partner regions."}
    for level, name, url in DEMO_PARTNERS:
        save_partner(event, None, PartnerFields(name=name, level=level, url=url))
    speakers: list[Speaker] = public_speakers(event)
    featured = rng.sample(speakers, min(6, len(speakers)))
    for speaker in featured:
        speaker.is_featured = True
    db.session.flush()
    return f"{len(DEMO_PARTNERS)} partners, {len(featured)} featured speakers"

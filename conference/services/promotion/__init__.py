"""The event's public face: hero image, partners and sponsors, what the event page and its
sharing cards show (ticket offers, featured speakers, highlights), schema.org data, the
organisation's events index and calendar, and the embeddable registration widget."""

from conference.services import DomainError


class PromotionError(DomainError):
    code = "promotion_invalid"

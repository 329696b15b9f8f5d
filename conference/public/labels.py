"""Labels of the public face's fixed choices, shared by the public and organizer pages."""

from flask_babel import lazy_gettext as _l

from conference.models import EventKind, PartnerLevel

LEVEL_LABELS = {
    PartnerLevel.HOST: _l("Host"),
    PartnerLevel.GOLD: _l("Gold sponsor"),
    PartnerLevel.SILVER: _l("Silver sponsor"),
    PartnerLevel.PARTNER_REGION: _l("Partner region"),
    PartnerLevel.MEDIA: _l("Media partner"),
    PartnerLevel.PARTNER: _l("Partner"),
}
#: Headings of the groups on the public page.
LEVEL_HEADINGS = {
    PartnerLevel.HOST: _l("Hosts"),
    PartnerLevel.GOLD: _l("Gold sponsors"),
    PartnerLevel.SILVER: _l("Silver sponsors"),
    PartnerLevel.PARTNER_REGION: _l("Partner regions"),
    PartnerLevel.MEDIA: _l("Media partners"),
    PartnerLevel.PARTNER: _l("Partners"),
}
assert set(LEVEL_LABELS) == set(PartnerLevel) == set(LEVEL_HEADINGS)

#: Headings of the events index's filter (the event form has its own, singular labels).
EVENT_KIND_PLURALS = {
    EventKind.EDITION: _l("Conferences"),
    EventKind.WORKSHOP: _l("Workshops"),
    EventKind.TRAINING: _l("Trainings"),
    EventKind.STUDY_VISIT: _l("Study visits"),
}
EVENT_KIND_LABELS = {
    EventKind.EDITION: _l("Conference"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.TRAINING: _l("Training"),
    EventKind.STUDY_VISIT: _l("Study visit"),
}

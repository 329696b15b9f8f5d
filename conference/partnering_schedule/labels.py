"""Labels of the scheduler's reason codes, for the organizer's pages."""

from flask_babel import lazy_gettext as _l

from conference.services.partnering import scheduler

REASON_LABELS = {
    scheduler.NO_COMMON_SLOT: _l("No slot in which both are free"),
    scheduler.PERSON_FULL: _l("One of them meets someone else in every common free slot"),
    scheduler.TABLES_FULL: _l("All tables are taken in their common free slots"),
    scheduler.LIMIT: _l("The solver stopped at its time limit"),
}

"""Invited-guest import: row-by-row report, all or nothing, bad files refused clearly."""

from __future__ import annotations

import pytest

from conference.extensions import db
from conference.models import (
    OutboxMessage,
    PaymentStatus,
    Registration,
    RegistrationChange,
    RegistrationState,
    Role,
)
from conference.services.registration.guest_import import (
    MAX_IMPORT_BYTES,
    ImportFileError,
    ImportRejected,
    import_guests,
)

HEADER = "first_name,last_name,email,organization,job_title,country,ticket_type\n"


@pytest.fixture
def setup(make_event, make_ticket_type, make_user):
    event = make_event()
    guest = make_ticket_type(event, name="Guest", capacity=3, price=0)
    vip = make_ticket_type(event, name="VIP", capacity=None, price=100,
                           requires_approval=True)
    organizer = make_user(Role.ORGANIZER, events=[event])
    return event, guest, vip, organizer


def _count(event) -> int:
    return db.session.scalar(db.select(db.func.count(Registration.id))
                             .where(Registration.event_id == event.id))


def test_valid_file_imports_every_guest_confirmed_with_history_and_email(setup):
    event, guest, vip, organizer = setup
    data = (HEADER + "Łukasz,Żółkiewski-Wąsowicz,Lukasz@UJ.edu.pl,UJ,Prof,pl,guest\n"
            "Siobhan,O'Brien,siobhan@tcd.ie,TCD,,IE,VIP\n").encode()
    result = import_guests(event, data, by_user=organizer)
    assert len(result.imported) == 2
    lukasz = db.session.execute(db.select(Registration).filter_by(
        email="lukasz@uj.edu.pl")).scalar_one()
    assert (lukasz.state, lukasz.country, lukasz.ticket_type_id) == (
        RegistrationState.CONFIRMED, "PL", guest.id)
    assert lukasz.payment_status is PaymentStatus.WAIVED
    siobhan = db.session.execute(db.select(Registration).filter_by(
        email="siobhan@tcd.ie")).scalar_one()
    assert siobhan.state is RegistrationState.CONFIRMED  # invited: no approval step
    change = db.session.execute(db.select(RegistrationChange).filter_by(
        registration_id=lukasz.id)).scalar_one()
    assert change.user_id == organizer.id and "CSV line 2" in change.detail
    mails = db.session.execute(db.select(OutboxMessage)).scalars().all()
    assert sorted(m.recipient for m in mails) == ["lukasz@uj.edu.pl", "siobhan@tcd.ie"]
    assert lukasz.token in next(m.body_text for m in mails if m.recipient == lukasz.email)


def test_without_notify_no_email_is_queued(setup):
    event, _, _, organizer = setup
    import_guests(event, (HEADER + "Anna,Nowak,anna@example.org,,,,Guest\n").encode(),
                  by_user=organizer, notify=False)
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_one_bad_row_rejects_the_whole_file_with_a_report(setup, make_registration):
    event, guest, _, organizer = setup
    make_registration(event, guest, email="taken@example.org")
    data = (HEADER
            + "Anna,Nowak,anna@example.org,,,,Guest\n"           # 2 fine
            + "Jan,Kowalski,not-an-email,,,,Guest\n"             # 3 bad email
            + "Ewa,Lis,ewa@example.org,,,XX,Guest\n"             # 4 bad country
            + "Ola,Wolf,ola@example.org,,,,Platinum\n"           # 5 unknown ticket type
            + "Anna,Nowak,ANNA@example.org,,,,Guest\n"           # 6 duplicate in file
            + "Tom,Taken,taken@example.org,,,,Guest\n"           # 7 already registered
            + ",Empty,empty@example.org,,,,Guest\n").encode()    # 8 missing first name
    with pytest.raises(ImportRejected) as error:
        import_guests(event, data, by_user=organizer)
    lines = {row.line: row.reason for row in error.value.details["rejected"]}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8]
    assert "line 2" in lines[6]
    assert "Platinum" in lines[5]
    assert "already registered" in lines[7]
    assert _count(event) == 1  # only the registration made before the import
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_rows_beyond_the_capacity_are_rejected(setup):
    event, _, _, organizer = setup
    rows = "".join(f"Guest,Number{chr(65 + i)},g{i}@example.org,,,,Guest\n" for i in range(4))
    with pytest.raises(ImportRejected) as error:
        import_guests(event, (HEADER + rows).encode(), by_user=organizer)
    assert [r.line for r in error.value.details["rejected"]] == [5]
    assert _count(event) == 0


def test_event_capacity_limits_the_import(setup):
    event, _, _, organizer = setup
    event.capacity = 1
    db.session.commit()
    rows = "Anna,Nowak,a@example.org,,,,VIP\nJan,Nowak,b@example.org,,,,VIP\n"
    with pytest.raises(ImportRejected) as error:
        import_guests(event, (HEADER + rows).encode(), by_user=organizer)
    assert [r.line for r in error.value.details["rejected"]] == [3]


def test_capacity_can_be_ignored_for_invited_guests(setup):
    event, guest, _, organizer = setup
    rows = "".join(f"Guest,Number{chr(65 + i)},g{i}@example.org,,,,Guest\n" for i in range(4))
    result = import_guests(event, (HEADER + rows).encode(), by_user=organizer,
                           ignore_capacity=True)
    assert len(result.imported) == 4


def test_semicolon_separated_file_with_bom_and_spelled_out_header(setup):
    event, _, _, organizer = setup
    data = ("\ufeffFirst name;Last name;E-mail;Organisation;Ticket type\n"
            "Anna;Nowak;anna@example.org;Selvita;Guest\n").encode()
    assert len(import_guests(event, data, by_user=organizer).imported) == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (HEADER.encode(), "no guests"),
    ("first_name;last_name\nŁukasz;X\n".encode("cp1250"), "UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UTF-8"),
    (b"first_name,last_name,email,ticket_type\x00\nA,B,c@d.pl,Guest\n", "CSV"),
    (b"name,email\nAnna,a@example.org\n", "Unknown columns"),
    (b"first_name,last_name,email\nAnna,N,a@example.org\n", "Missing columns: ticket_type"),
    (b"first_name,first_name,last_name,email,ticket_type\n", "twice"),
    (b'first_name,last_name,email,ticket_type\n"A,B\n', "malformed"),
])
def test_bad_files_are_refused_with_a_clear_message(setup, data, message):
    event, _, _, organizer = setup
    with pytest.raises(ImportFileError) as error:
        import_guests(event, data, by_user=organizer)
    assert message in error.value.message
    assert _count(event) == 0


def test_files_over_the_size_limit_are_refused(setup):
    event, _, _, organizer = setup
    data = HEADER.encode() + b"x" * MAX_IMPORT_BYTES
    with pytest.raises(ImportFileError, match="larger"):
        import_guests(event, data, by_user=organizer)


def test_extra_cells_are_reported_on_their_line(setup):
    event, _, _, organizer = setup
    data = (HEADER + "Anna,Nowak,a@example.org,,,,Guest,surprise\n").encode()
    with pytest.raises(ImportRejected) as error:
        import_guests(event, data, by_user=organizer)
    assert error.value.details["rejected"][0].line == 2


def test_imported_guests_are_written_to_in_the_events_language(setup):
    event, guest, vip, organizer = setup
    event.language = "en"
    db.session.commit()
    import_guests(event, (HEADER + "Anna,Nowak,anna@example.org,UJ,,PL,Guest\n").encode(),
                  by_user=organizer)
    anna = db.session.execute(db.select(Registration).filter_by(email="anna@example.org")
                              ).scalar_one()
    assert anna.locale == "en"
    event.language = "pl"
    db.session.commit()
    import_guests(event, (HEADER + "Jan,Nowak,jan@example.org,UJ,,PL,Guest\n").encode(),
                  by_user=organizer)
    jan = db.session.execute(db.select(Registration).filter_by(email="jan@example.org")
                             ).scalar_one()
    assert jan.locale == "pl"

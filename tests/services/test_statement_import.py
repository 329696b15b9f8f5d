"""Bank statement import: MT940 and CSV read strictly, credits matched to orders once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conference.extensions import db
from conference.models import (
    BankTransaction,
    OrderState,
    ReviewReason,
    Role,
    StatementImport,
    TransactionState,
)
from conference.services.payments.state import history_of
from conference.services.payments.statements.csv_format import InvalidMapping, save_csv_mapping
from conference.services.payments.statements.importing import import_statement
from conference.services.payments.statements.lines import AlreadyImported, StatementError
from conference.services.payments.statements.review import (
    TransactionAlreadyResolved,
    assign_transaction,
    ignore_transaction,
)
from tests.fixtures.payments import PAYER_IBAN, mt940_statement

NOW = dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC)


def _import(event, data, file_format="mt940", **kwargs):
    record = import_statement(event, data, filename="statement.sta", file_format=file_format,
                              now=NOW, **kwargs)
    db.session.commit()
    return record


def _transactions(event):
    return db.session.execute(db.select(BankTransaction).where(
        BankTransaction.event_id == event.id).order_by(BankTransaction.id)).scalars().all()


# --- Matching ----------------------------------------------------------------------------------


def test_an_exact_reference_and_amount_mark_the_order_paid_with_a_history_line(
        paid_event, make_order):
    order = make_order(paid_event)
    record = _import(paid_event, mt940_statement([("250.00", f"Oplata {order.reference}")]))
    assert order.state is OrderState.PAID
    assert (record.credits, record.new, record.matched, record.review) == (1, 1, 1, 0)
    last = history_of(order)[-1]
    assert (last.kind, last.method, last.user_id, last.at) == ("payment", "statement", None, NOW)
    assert _transactions(paid_event)[0].state is TransactionState.MATCHED


@pytest.mark.parametrize("mangle", [
    lambda ref: ref.lower(),
    lambda ref: ref.replace("-", " "),
    lambda ref: ref.replace("-", ""),
    lambda ref: f"Konferencja LifeScience, Jan Kowalski, nr {ref.lower().replace('-', ' ')} dzięki",
])
def test_a_mangled_reference_still_matches(paid_event, make_order, mangle):
    order = make_order(paid_event)
    _import(paid_event, mt940_statement([("250.00", mangle(order.reference))]))
    assert order.state is OrderState.PAID


def test_a_partial_payment_waits_for_review_and_leaves_the_order_unpaid(paid_event, make_order):
    order = make_order(paid_event)
    _import(paid_event, mt940_statement([("200.00", order.reference)]))
    [transaction] = _transactions(paid_event)
    assert (transaction.state, transaction.reason, transaction.order_id) == (
        TransactionState.REVIEW, ReviewReason.PARTIAL, order.id)
    assert order.state is OrderState.UNPAID


def test_an_over_payment_waits_for_review(paid_event, make_order):
    order = make_order(paid_event)
    _import(paid_event, mt940_statement([("300.00", order.reference)]))
    assert _transactions(paid_event)[0].reason is ReviewReason.OVERPAID
    assert order.state is OrderState.UNPAID


def test_a_credit_for_an_order_already_paid_waits_for_review(paid_event, make_order):
    order = make_order(paid_event)
    _import(paid_event, mt940_statement([("250.00", order.reference, "A", "R1")]))
    _import(paid_event, mt940_statement([("250.00", order.reference, "A", "R2")]))
    assert [t.reason for t in _transactions(paid_event)] == [None, ReviewReason.ORDER_NOT_OPEN]


def test_a_credit_in_another_currency_waits_for_review(paid_event, make_order):
    order = make_order(paid_event)
    _import(paid_event, mt940_statement([("250.00", order.reference)], currency="EUR"))
    assert _transactions(paid_event)[0].reason is ReviewReason.CURRENCY


def test_an_unknown_credit_gets_a_suggestion_by_amount_and_payer_name(paid_event, make_order):
    order = make_order(paid_event, first_name="Grzegorz", last_name="Brzęczyszczykiewicz")
    make_order(paid_event, first_name="Ewa", last_name="Zielińska")
    _import(paid_event,
            mt940_statement([("250.00", "Konferencja", "GRZEGORZ BRZECZYSZCZYKIEWICZ")]))
    [transaction] = _transactions(paid_event)
    assert (transaction.reason, transaction.suggested_order_id) == (ReviewReason.UNKNOWN,
                                                                    order.id)
    assert order.state is OrderState.UNPAID


def test_an_unknown_credit_with_no_fitting_name_gets_no_suggestion(paid_event, make_order):
    make_order(paid_event, last_name="Zielińska")
    _import(paid_event, mt940_statement([("250.00", "Konferencja", "ACME SP Z O O")]))
    assert _transactions(paid_event)[0].suggested_order_id is None


def test_debits_are_skipped(paid_event, make_order):
    record = _import(paid_event, mt940_statement([("-12.50", "Oplata za prowadzenie rachunku")]))
    assert (record.credits, record.debits, record.new) == (0, 1, 0)
    assert _transactions(paid_event) == []


def test_the_payer_name_and_account_are_kept(paid_event, make_order):
    order = make_order(paid_event)
    _import(paid_event, mt940_statement([("250.00", order.reference, "JAN KOWALSKI")]))
    [transaction] = _transactions(paid_event)
    assert (transaction.payer_name, transaction.payer_account) == ("JAN KOWALSKI", PAYER_IBAN)


# --- Idempotency -----------------------------------------------------------------------------


def test_the_same_file_twice_is_refused_and_changes_nothing(paid_event, make_order):
    order = make_order(paid_event)
    data = mt940_statement([("250.00", order.reference)])
    _import(paid_event, data)
    with pytest.raises(AlreadyImported):
        _import(paid_event, data)
    assert len(_transactions(paid_event)) == 1
    assert len([line for line in history_of(order) if line.kind == "payment"]) == 1


def test_an_overlapping_statement_imports_only_the_new_transactions(paid_event, make_order):
    first, second = make_order(paid_event), make_order(paid_event)
    _import(paid_event, mt940_statement([("250.00", first.reference, "A", "R1")]))
    record = _import(paid_event, mt940_statement([("250.00", first.reference, "A", "R1"),
                                                  ("250.00", second.reference, "B", "R2")]))
    assert (record.new, record.duplicates, record.matched) == (1, 1, 1)
    assert first.amount_paid == Decimal("250.00") and second.state is OrderState.PAID


def test_transactions_without_a_bank_reference_are_recognised_by_their_content(
        paid_event, make_order):
    order = make_order(paid_event)
    lines = [("100.00", order.reference, "A", ""), ("100.00", order.reference, "A", "")]
    _import(paid_event, mt940_statement(lines))
    record = _import(paid_event, mt940_statement(lines + [("50.00", order.reference, "A", "")]))
    assert (record.new, record.duplicates) == (1, 2)
    assert len(_transactions(paid_event)) == 3


# --- Bad MT940 -------------------------------------------------------------------------------


def _refused(event, data, file_format="mt940") -> str:
    with pytest.raises(StatementError) as caught:
        import_statement(event, data, filename="x", file_format=file_format, now=NOW)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(StatementImport.id))) == 0
    assert _transactions(event) == []
    return caught.value.message


def test_a_malformed_transaction_line_is_named_and_nothing_is_imported(paid_event, make_order):
    order = make_order(paid_event)
    good = mt940_statement([("250.00", order.reference), ("100.00", "x")]).decode()
    broken = good.replace(":61:2603050305C100,00", ":61:2603050305C1x0,00")
    message = _refused(paid_event, broken.encode())
    assert message.startswith("Line 7:")
    assert order.state is OrderState.UNPAID


def test_a_file_that_is_not_mt940_is_refused(paid_event):
    assert "not an MT940" in _refused(paid_event, b"hello world\n")


def test_an_impossible_date_is_named(paid_event):
    data = mt940_statement([("10.00", "x")]).decode().replace(":61:260305", ":61:261345")
    assert "Line 5" in _refused(paid_event, data.encode())


def test_a_zero_amount_is_named(paid_event):
    assert "zero" in _refused(paid_event, mt940_statement([("0.00", "x")]))


def test_a_nul_byte_is_named(paid_event):
    data = mt940_statement([("10.00", "x")]).replace(b":86:", b":86:\x00", 1)
    assert _refused(paid_event, data).startswith("Line 6:")


def test_a_payer_iban_with_wrong_check_digits_is_named(paid_event):
    data = mt940_statement([("10.00", "x")]).replace(PAYER_IBAN.encode(),
                                                     b"PL28114020040000300201355387")
    message = _refused(paid_event, data)
    assert message.startswith("Line 5:") and "IBAN" in message


def test_an_empty_file_is_refused(paid_event):
    assert "empty" in _refused(paid_event, b"  \n")


# --- CSV ---------------------------------------------------------------------------------------


@pytest.fixture
def csv_event(paid_event):
    save_csv_mapping(paid_event, date_column="Data operacji", amount_column="Kwota",
                     title_column="Tytuł", payer_column="Nadawca", account_column="Rachunek",
                     id_column="", currency_column="Waluta")
    db.session.commit()
    return paid_event


def _polish_csv(rows: list[str]) -> bytes:
    text = ("Wyciąg z rachunku;;;;;\r\nRachunek;PL61 1090 1014 0000 0712 1981 2874;;;;\r\n"
            "Data operacji;Kwota;Waluta;Tytuł;Nadawca;Rachunek\r\n" + "\r\n".join(rows) + "\r\n")
    return text.encode("cp1250")


def test_a_polish_bank_csv_in_windows_1250_with_comma_decimals_is_matched(csv_event, make_order):
    order = make_order(csv_event)
    data = _polish_csv([f"05.03.2026;1 250,00;PLN;Opłata {order.reference};Łucja Żak;",
                        "05.03.2026;-15,00;PLN;Prowizja;Bank;"])
    order.amount = Decimal("1250.00")
    db.session.commit()
    record = _import(csv_event, data, "csv")
    assert (record.credits, record.debits, record.matched) == (1, 1, 1)
    assert order.state is OrderState.PAID
    assert _transactions(csv_event)[0].payer_name == "Łucja Żak"


def test_a_utf8_csv_with_bom_and_commas_is_read(paid_event, make_order):
    save_csv_mapping(paid_event, date_column="Date", amount_column="Amount",
                     title_column="Description", id_column="Transaction ID")
    order = make_order(paid_event)
    data = ("\ufeffDate,Amount,Description,Transaction ID\n"
            f"2026-03-05,250.00,\"Fee, {order.reference}\",TX-1\n").encode()
    _import(paid_event, data, "csv")
    assert order.state is OrderState.PAID
    assert _transactions(paid_event)[0].bank_id == "TX-1"


def test_a_csv_line_with_a_bad_amount_is_named(csv_event):
    message = _refused(csv_event, _polish_csv(["05.03.2026;12;PLN;a;b;",
                                               "05.03.2026;dwieście;PLN;x;y;"]), "csv")
    assert message.startswith("Line 5:") and "Kwota" in message


def test_a_csv_line_with_a_bad_date_is_named(csv_event):
    message = _refused(csv_event, _polish_csv(["31.02.2026;12,00;PLN;a;b;"]), "csv")
    assert message.startswith("Line 4:") and "Data operacji" in message


def test_a_csv_line_with_a_wrong_iban_is_named(csv_event):
    message = _refused(csv_event, _polish_csv(
        ["05.03.2026;12,00;PLN;a;b;28 1140 2004 0000 3002 0135 5387"]), "csv")
    assert message.startswith("Line 4:") and "IBAN" in message


def test_a_csv_without_the_mapped_columns_is_refused(csv_event):
    assert "header" in _refused(csv_event, b"a;b;c\n1;2;3\n", "csv")


def test_a_csv_needs_a_saved_mapping(paid_event):
    assert "mapping" in _refused(paid_event, b"a;b\n1;2\n", "csv")


def test_bytes_that_are_neither_utf8_nor_windows_1250_are_refused(csv_event):
    assert "Windows-1250" in _refused(csv_event, b"Data;Kwota\n\x81\x98\n", "csv")


def test_a_mapping_needs_the_date_amount_and_title_columns(paid_event):
    with pytest.raises(InvalidMapping):
        save_csv_mapping(paid_event, date_column="Date", amount_column="", title_column="T")


# --- Review --------------------------------------------------------------------------------------


def test_an_organizer_assigns_a_partial_payment_and_the_order_is_partially_paid(
        paid_event, make_order, make_user):
    organizer = make_user(Role.ORGANIZER, events=[paid_event])
    order = make_order(paid_event)
    _import(paid_event, mt940_statement([("200.00", order.reference)]))
    [transaction] = _transactions(paid_event)
    assign_transaction(transaction, order, by=organizer, now=NOW)
    db.session.commit()
    assert order.state is OrderState.PARTIALLY_PAID
    assert transaction.state is TransactionState.ASSIGNED
    assert history_of(order)[-1].user_id == organizer.id
    with pytest.raises(TransactionAlreadyResolved):
        ignore_transaction(transaction, by=organizer)


def test_an_ignored_credit_leaves_orders_alone(paid_event, make_order, make_user):
    organizer = make_user(Role.ORGANIZER, events=[paid_event])
    _import(paid_event, mt940_statement([("99.00", "Darowizna")]))
    [transaction] = _transactions(paid_event)
    ignore_transaction(transaction, by=organizer, now=NOW)
    assert transaction.state is TransactionState.IGNORED and transaction.resolved_at == NOW


# --- Two imports at once (PostgreSQL) ----------------------------------------------------------


@pytest.mark.postgres_only
def test_two_overlapping_statements_imported_at_once_store_each_credit_once(
        app, paid_event, make_order):
    from concurrent.futures import ThreadPoolExecutor

    from conference.models import Event

    orders = [make_order(paid_event) for _ in range(3)]
    shared = [("250.00", orders[0].reference, "A", "R0"),
              ("250.00", orders[1].reference, "B", "R1")]
    files = [mt940_statement(shared), mt940_statement(shared + [("250.00", orders[2].reference,
                                                                  "C", "R2")])]

    def one(data: bytes) -> str:
        with app.app_context():
            try:
                import_statement(db.session.get(Event, paid_event.id), data, filename="s",
                                 file_format="mt940")
                db.session.commit()
                return "ok"
            except Exception as error:  # noqa: BLE001 - every failure is counted
                db.session.rollback()
                return repr(error)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(one, files)) == ["ok", "ok"]
    db.session.expire_all()
    assert len(_transactions(paid_event)) == 3
    assert all(history_of(order)[-1].kind == "payment" for order in orders)
    assert all(len([x for x in history_of(o) if x.kind == "payment"]) == 1 for o in orders)

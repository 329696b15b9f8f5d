"""Invoice numbers on PostgreSQL: parallel issues get 1..N, no gap, no duplicate.

The counter row is locked (SELECT ... FOR UPDATE) between reading and writing it, and
INVOICE_RACE_DELAY widens that window. Verified by hand that the test fails without the
lock: with ``.with_for_update()`` removed from ``numbering.take_number`` the 24 threads read
the same ``last`` and most issues died on the uq_invoice_number constraint (or, with the
constraint dropped too, got duplicate numbers).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from conference.extensions import db
from conference.models import Invoice, InvoiceKind, Order
from conference.services.invoicing.issue import issue_vat_invoice

PARALLEL = 24


@pytest.fixture
def app_config(app_config):
    app_config.update(
        INVOICE_RACE_DELAY=0.02,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PARALLEL, "max_overflow": 0},
    )
    return app_config


def _issue_in_parallel(app, order_ids: list[int]) -> list[str]:
    def one(order_id: int) -> str:
        with app.app_context():
            try:
                invoice = issue_vat_invoice(db.session.get(Order, order_id))
                db.session.commit()
                return invoice.number
            except Exception as error:  # noqa: BLE001 - every failure is counted
                db.session.rollback()
                return f"error: {error!r}"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(one, order_ids))


@pytest.mark.postgres_only
def test_parallel_invoices_of_one_issuer_are_numbered_without_gaps_or_duplicates(
        app, invoicing_event, invoiced_order):
    one, two = invoicing_event(), invoicing_event()  # same issuer, two events
    orders = [invoiced_order(one if n % 2 else two).order.id for n in range(PARALLEL)]
    results = _issue_in_parallel(app, orders)
    assert [r for r in results if r.startswith("error")] == []
    db.session.expire_all()
    seqs = sorted(db.session.execute(db.select(Invoice.seq).where(
        Invoice.kind == InvoiceKind.VAT)).scalars())
    assert seqs == list(range(1, PARALLEL + 1))
    assert len(set(results)) == PARALLEL


@pytest.mark.postgres_only
def test_two_parallel_issues_for_one_order_give_one_invoice(app, invoicing_event,
                                                            invoiced_order):
    order_id = invoiced_order(invoicing_event()).order.id
    results = _issue_in_parallel(app, [order_id] * 6)
    assert sum(not r.startswith("error") for r in results) == 1
    assert all("AlreadyInvoiced" in r for r in results if r.startswith("error"))

"""Bank statement import speed: a 10,000-transaction MT940 statement against 5,000 orders.

    python benchmarks/statement_import.py [--lines 10000] [--orders 5000] [--database URL]

Prints ``lines=.. matched=.. review=.. seconds=.. lines_per_s=.. parse_seconds=..``.
Half of the credits carry an order's exact reference (mangled in several ways: lower case,
spaces, inside a longer title) and amount, the rest are unknown payers, partial payments
and debits. ``seconds`` is the whole import (decode, parse, match, write, commit) of the
file; the target is at least 2,000 lines per second with every exact reference matched.
Data: a temporary SQLite database unless ``--database`` names an empty PostgreSQL one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PRICE = Decimal("250.00")


def _orders(event, count: int) -> list[str]:
    """``count`` unpaid orders of one registration each, written in bulk; returns their
    references."""
    from conference.extensions import db
    from conference.models import (
        Order,
        OrderState,
        PaymentStatus,
        Registration,
        RegistrationState,
        TicketType,
    )
    from conference.models.registrations import new_ticket_code, new_token
    from conference.services.payments.reference import random_reference

    now = dt.datetime.now(dt.UTC)
    references: set[str] = set()
    while len(references) < count:
        references.add(random_reference())
    db.session.execute(db.insert(Order), [
        {"event_id": event.id, "payer_name": f"Payer {n}", "payer_email": f"p{n}@example.org",
         "payer_organization": "", "amount": PRICE, "currency": "PLN", "reference": ref,
         "method": "bank_transfer", "state": OrderState.UNPAID, "created_at": now,
         "due_at": now + dt.timedelta(days=14), "amount_paid": Decimal("0")}
        for n, ref in enumerate(sorted(references))])
    ticket_type = TicketType(event=event, name="Full pass", price=PRICE, currency="PLN")
    db.session.add(ticket_type)
    db.session.flush()
    order_ids = db.session.execute(db.select(Order.id).order_by(Order.id)).scalars().all()
    db.session.execute(db.insert(Registration), [
        {"event_id": event.id, "ticket_type_id": ticket_type.id, "order_id": order_id,
         "state": RegistrationState.CONFIRMED, "first_name": "Payer", "last_name": str(n),
         "email": f"p{n}@example.org", "token": new_token(), "ticket_code": new_ticket_code(),
         "payment_status": PaymentStatus.UNPAID, "search_key": f"payer {n}"}
        for n, order_id in enumerate(order_ids)])
    db.session.commit()
    return sorted(references)


def _statement(references: list[str], lines: int) -> tuple[bytes, int]:
    """The MT940 file and how many of its credits carry an exact reference and amount."""
    rng = random.Random(7)
    mangles = (str, str.lower, lambda r: r.replace("-", " "),
               lambda r: f"Oplata konferencyjna {r.lower()} Jan Kowalski")
    out = [":20:BENCH", ":25:/PL61109010140000071219812874", ":28C:00001/001",
           ":60F:C260301PLN1000,00"]
    exact = 0
    unused = list(references)
    rng.shuffle(unused)
    for n in range(lines):
        kind = n % 4
        if kind in (0, 1) and unused:
            ref = unused.pop()
            amount, title = PRICE, rng.choice(mangles)(ref)
            exact += 1
        elif kind == 2:
            amount, title = Decimal(rng.randint(10, 900)), f"Przelew {n}"
        else:
            amount, title = -Decimal(rng.randint(1, 50)), "Prowizja"
        mark = "C" if amount > 0 else "D"
        value = f"{abs(amount):.2f}".replace(".", ",")
        out.append(f":61:2603050305{mark}{value}NTRFNONREF//B{n:08d}")
        out.append(f":86:020~00VE02~20{title[:35]}~21{title[35:70]}~32PAYER {n}"
                   f"~38PL27114020040000300201355387")
    out += [":62F:C260305PLN1000,00", "-"]
    return ("\r\n".join(out) + "\r\n").encode(), exact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=5_000)
    parser.add_argument("--database", help="An empty database URL (default: temporary SQLite).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("SECRET_KEY", "benchmark")
        from conference import create_app
        from conference.extensions import db
        from conference.models import Event, EventStatus
        from conference.services.payments.statements.importing import (
            import_statement,
            read_statement,
        )

        url = args.database or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": f"{tmp}/uploads"})
        with app.app_context():
            db.create_all()
            event = Event(slug="bench", name="Bench", starts_on=dt.date(2026, 5, 12),
                          ends_on=dt.date(2026, 5, 13), timezone="Europe/Warsaw",
                          venue_name="", venue_address="", contact_email="a@example.org",
                          status=EventStatus.PUBLISHED)
            db.session.add(event)
            db.session.commit()
            references = _orders(event, args.orders)
            data, exact = _statement(references, args.lines)
            started = time.perf_counter()
            read_statement(event, data, "mt940")
            parse_seconds = time.perf_counter() - started
            started = time.perf_counter()
            record = import_statement(event, data, filename="bench.sta", file_format="mt940")
            db.session.commit()
            seconds = time.perf_counter() - started
            assert record.matched == exact, (record.matched, exact)
            from conference.models import PaymentStatus, Registration

            paid = db.session.scalar(db.select(db.func.count(Registration.id)).where(
                Registration.payment_status == PaymentStatus.PAID))
            assert paid == exact, (paid, exact)
            print(f"lines={args.lines} matched={record.matched} exact_references={exact} "
                  f"review={record.review} seconds={seconds:.2f} "
                  f"lines_per_s={args.lines / seconds:.0f} parse_seconds={parse_seconds:.2f}",
                  flush=True)
            if args.database:
                db.session.close()  # its transaction would block the DROPs
                db.drop_all()


if __name__ == "__main__":
    main()

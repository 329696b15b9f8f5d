"""The gunicorn app of benchmarks/checkin_load.py: the real application plus two routes.

``/bench/bare`` goes through the same server, WSGI stack, Flask, session cookie and CSRF
check as the scan API, answers the same-sized JSON, but does no check-in work: the
difference between the two is the cost of deciding and recording a scan.

``/bench/write`` is ``bare`` plus the least any scan must do durably: it inserts one scan
log row (one statement, committed on its own like a scan's) through the application's
database session. It
shows how much of the gap to ``bare`` the database round trip and commit alone take.
"""

from __future__ import annotations

import os

from flask import jsonify, request

from conference import create_app
from conference.extensions import db
from conference.models import ScanLog
from conference.models.types import utcnow
from conference.security import public
from conference.services.checkin.door import autocommit_scans

app = create_app()
#: The benchmark's event (its scan log rows need one); set by checkin_load.py.
app.config["BENCH_EVENT_ID"] = int(os.environ.get("BENCH_EVENT_ID", "1"))


@app.route("/bench/bare", methods=["POST"])
@public
def bare():
    data = request.get_json(silent=True) or {}
    return jsonify(status="ok", verdict={"code": "bare", "nonce": data.get("nonce")})


@app.route("/bench/write", methods=["POST"])
@public
def write():
    data = request.get_json(silent=True) or {}
    autocommit_scans()  # one statement, committed on its own, as a scan
    now = utcnow()
    db.session.execute(ScanLog.__table__.insert().values(
        event_id=app.config["BENCH_EVENT_ID"], scanned_at=now, received_at=now,
        code=str(data.get("code", ""))[:24], verdict="bare", source="bench", details="{}"))
    db.session.commit()
    return jsonify(status="ok", verdict={"code": "bare", "nonce": data.get("nonce")})

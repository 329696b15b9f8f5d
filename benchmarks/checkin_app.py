"""The gunicorn app of benchmarks/checkin_load.py: the real application plus a bare route.

``/bench/bare`` goes through the same server, WSGI stack, Flask, session cookie and CSRF
check as the scan API, answers the same-sized JSON, but does no check-in work: the
difference between the two is the cost of deciding and recording a scan.
"""

from __future__ import annotations

from flask import jsonify, request

from conference import create_app
from conference.security import public

app = create_app()


@app.route("/bench/bare", methods=["POST"])
@public
def bare():
    data = request.get_json(silent=True) or {}
    return jsonify(status="ok", verdict={"code": "bare", "nonce": data.get("nonce")})

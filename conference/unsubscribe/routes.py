"""``/e/<slug>/unsubscribe/<token>``: GET shows a confirmation button; POST with the body
``List-Unsubscribe=One-Click`` unsubscribes (what mail clients send for RFC 8058 one-click,
and what the button sends).

The route is exempt from CSRF: the secret link itself authorises the action (RFC 8058
requires that a POST without cookies works), and the action only ever stops mail.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from conference.extensions import csrf
from conference.security import get_event_or_404, token_access
from conference.services.messaging.unsubscribe import (
    InvalidUnsubscribeLink,
    address_of_token,
)
from conference.services.messaging.unsubscribe import (
    unsubscribe as record_unsubscribe,
)

bp = Blueprint("unsubscribe", __name__)

ONE_CLICK = "One-Click"


@bp.route("/e/<slug>/unsubscribe/<unsubscribe_token>", methods=["GET", "POST"])
@token_access
@csrf.exempt
def unsubscribe(slug: str, unsubscribe_token: str):
    event = get_event_or_404(slug)
    try:
        address = address_of_token(event, unsubscribe_token)
    except InvalidUnsubscribeLink:
        abort(404)
    if request.method == "GET":
        return render_template("unsubscribe/confirm.html", event=event, address=address)
    if request.form.get("List-Unsubscribe") != ONE_CLICK:
        abort(400)
    record_unsubscribe(event, address)
    return render_template("unsubscribe/done.html", event=event, address=address)

"""The partnering-day blueprint object (its routes are in ``attendee``, ``manage`` and
``desk``)."""

from flask import Blueprint

bp = Blueprint("partnering_day", __name__)

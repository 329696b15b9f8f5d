"""The blueprint the route modules (windows, board, availability) add their routes to."""

from flask import Blueprint

bp = Blueprint("partnering_schedule", __name__)

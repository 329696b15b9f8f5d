"""The blueprint both route modules (retention, rights) add their routes to."""

from flask import Blueprint

bp = Blueprint("privacy_rights", __name__)

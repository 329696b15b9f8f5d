"""Absolute links for emails and exports, built with or without a request."""

from __future__ import annotations

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """``BASE_URL`` + the path of ``endpoint``; works in the CLI and the mail worker too."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)

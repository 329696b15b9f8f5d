"""Absolute links for emails, calendar feeds and QR codes, with or without a request."""

from __future__ import annotations

from flask import Flask, current_app


def absolute_url(endpoint: str, **values) -> str:
    """``BASE_URL`` + the path of ``endpoint`` (a full name such as ``public.event``).

    Unlike ``url_for`` it works without a request (CLI, mail worker, background jobs), and
    the host always comes from configuration, never from the request's Host header.
    """
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def init_app(app: Flask) -> None:
    app.jinja_env.globals["absolute_url"] = absolute_url

"""Absolute links for emails, calendar feeds and QR codes, with or without a request."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter

#: Largest value of an integer primary key (PostgreSQL ``integer``).
MAX_DATABASE_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number beyond a primary key's range does not match,
    so ``/x/99999999999`` is a 404 instead of a database error (PostgreSQL refuses it)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(url_map, *args, **kwargs)


def absolute_url(endpoint: str, **values) -> str:
    """``BASE_URL`` + the path of ``endpoint`` (a full name such as ``public.event``).

    Unlike ``url_for`` it works without a request (CLI, mail worker, background jobs), and
    the host always comes from configuration, never from the request's Host header.
    """
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def init_app(app: Flask) -> None:
    """Before the blueprints register their routes: they compile with this converter."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.jinja_env.globals["absolute_url"] = absolute_url

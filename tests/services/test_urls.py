"""Absolute links for emails: BASE_URL plus the path, with or without a request."""

from __future__ import annotations

from flask import render_template_string

from conference.urls import absolute_url


def test_absolute_url_works_without_a_request(app):
    app.config["BASE_URL"] = "https://events.example"
    assert absolute_url("public.event", slug="lsos-2026") == "https://events.example/e/lsos-2026/"


def test_absolute_url_ignores_the_requests_host(app):
    app.config["BASE_URL"] = "https://events.example"
    with app.test_request_context("/", base_url="http://attacker.example"):
        assert render_template_string("{{ absolute_url('auth.login') }}") == \
            "https://events.example/login"

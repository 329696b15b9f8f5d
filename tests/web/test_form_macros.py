"""The shared form macro ties help and errors to fields without empty attributes."""

from __future__ import annotations


def test_fields_without_help_or_errors_get_no_aria_attributes(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'aria-describedby="None"' not in html
    assert 'aria-invalid="None"' not in html
    assert 'autocomplete="username"' in html


def test_a_field_with_an_error_is_marked_invalid_and_described(client):
    html = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="email-error"' in html

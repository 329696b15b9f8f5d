"""Configuration from the environment: production refuses unsafe settings."""

from __future__ import annotations

import pytest

from conference import create_app
from config import ConfigurationError, load_config


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("PROXY_FIX_HOPS", raising=False)


def test_production_refuses_to_start_without_a_secret_key(production):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config()
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_with_a_secret_key_uses_secure_http_only_cookies(production, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    config = load_config()
    assert config["SECRET_KEY"] == "a" * 64
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert config["PROXY_FIX_HOPS"] == 1


def test_production_cookies_are_sent_secure_and_http_only(production, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "b" * 64)
    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = client.post("/lang", data={"lang": "pl", "next": "/"},
                           base_url="https://conference.example")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    lang_cookie = next(c for c in cookies if c.startswith("lang="))
    assert "Secure" in lang_cookie and "HttpOnly" in lang_cookie


def test_development_generates_a_secret_key_once(monkeypatch, tmp_path):
    import config as config_module

    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    first = load_config()["SECRET_KEY"]
    assert len(first) >= 64
    assert load_config()["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load_config()["SESSION_COOKIE_SECURE"] is False


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/lsos")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "yes")
    monkeypatch.setenv("BASE_URL", "https://events.example/")
    config = load_config()
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/lsos"
    assert config["MAIL_PORT"] == 2525
    assert config["MAIL_USE_TLS"] is True
    assert config["BASE_URL"] == "https://events.example"
    assert config["DEFAULT_TIMEZONE"] == "Europe/Warsaw"


def test_an_unknown_in_process_job_mode_is_refused(monkeypatch):
    monkeypatch.setenv("JOBS_IN_PROCESS", "later")
    with pytest.raises(ConfigurationError, match="JOBS_IN_PROCESS"):
        load_config()

"""LifeScience Open Space: the conference system's application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from conference import cli, errors, i18n, inputs, jobs, links, security, urls
from conference.extensions import (
    babel,
    csrf,
    db,
    enforce_sqlite_foreign_keys,
    limiter,
    mail,
    migrate,
)
from conference.markdown import render_markdown
from config import INSTANCE_DIR, load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application; ``overrides`` replace configuration values (tests)."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(load_config())
    if overrides:
        app.config.from_mapping(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            enforce_sqlite_foreign_keys(engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    i18n.init_app(app, babel)
    errors.init_app(app)
    cli.init_app(app)
    links.init_app(app)
    urls.init_app(app)
    jobs.init_app(app)
    inputs.init_app(app)
    app.jinja_env.filters["markdown"] = render_markdown
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    # One line per feature; the route-access test walks every route they add.
    from conference.agenda import bp as agenda_bp
    from conference.auth import bp as auth_bp
    from conference.badges import bp as badges_bp
    from conference.certificates import bp as certificates_bp
    from conference.cfp import bp as cfp_bp
    from conference.cfp_manage import bp as cfp_manage_bp
    from conference.checkin import bp as checkin_bp
    from conference.feedback import bp as feedback_bp
    from conference.group_orders import bp as group_orders_bp
    from conference.invoices import bp as invoices_bp
    from conference.jobs_manage import bp as jobs_manage_bp
    from conference.mail_manage import bp as mail_manage_bp
    from conference.manage import bp as manage_bp
    from conference.partnering import bp as partnering_bp
    from conference.partnering_day import bp as partnering_day_bp
    from conference.partnering_manage import bp as partnering_manage_bp
    from conference.partnering_schedule import bp as partnering_schedule_bp
    from conference.payments import bp as payments_bp
    from conference.payments_manage import bp as payments_manage_bp
    from conference.privacy import bp as privacy_bp
    from conference.privacy_rights import bp as privacy_rights_bp
    from conference.programme import bp as programme_bp
    from conference.promotion_manage import bp as promotion_manage_bp
    from conference.public import bp as public_bp
    from conference.regadmin import bp as regadmin_bp
    from conference.registration import bp as registration_bp
    from conference.reports import bp as reports_bp
    from conference.review import bp as review_bp
    from conference.unsubscribe import bp as unsubscribe_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(agenda_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(cfp_bp)
    app.register_blueprint(cfp_manage_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(regadmin_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(badges_bp)
    app.register_blueprint(mail_manage_bp)
    app.register_blueprint(jobs_manage_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(invoices_bp)
    app.register_blueprint(promotion_manage_bp)
    app.register_blueprint(unsubscribe_bp)
    app.register_blueprint(payments_manage_bp)
    app.register_blueprint(group_orders_bp)
    app.register_blueprint(privacy_rights_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(partnering_bp)
    app.register_blueprint(partnering_manage_bp)
    app.register_blueprint(partnering_schedule_bp)
    app.register_blueprint(partnering_day_bp)

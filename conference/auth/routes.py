"""Staff login, logout and password change."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from conference.auth.forms import ChangePasswordForm, LoginForm
from conference.extensions import db, limiter
from conference.security import is_local_path, login_required, public
from conference.services.accounts import (
    AccountError,
    InvalidCredentials,
    authenticate,
    change_password,
)
from conference.services.checkin.checkpoints import door_landing

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_email() -> str:
    """The address being tried: a second limit per account stops guessing spread over
    many client addresses (the first limit is per client address)."""
    return "login:" + request.form.get("email", "").strip().lower()[:254]


def _safe_next(target: str | None, user=None) -> str:
    """Only local paths; never redirect to another site. Without one, door staff of one
    event land on its scanner, everyone else on the back office."""
    if is_local_path(target):
        return target
    checkpoint = door_landing(user) if user is not None else None
    if checkpoint is not None:
        return url_for("checkin.scanner", slug=checkpoint.event.slug,
                       checkpoint_id=checkpoint.id)
    return url_for("manage.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email)
@public
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next"), current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except InvalidCredentials:
            db.session.rollback()
            form.password.errors.append(_("Wrong email or password."))
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next"), user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except InvalidCredentials:
            form.current_password.errors.append(_("This is not your current password."))
        except AccountError as error:
            form.new_password.errors.append(error.message)
        else:
            db.session.commit()
            # Other sessions end with the old password; this one continues.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed."), "success")
            return redirect(url_for("manage.index"))
    return render_template("auth/password.html", form=form)

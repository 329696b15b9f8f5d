"""Staff login, logout, the account's login sessions, password change and the set-password
link of an invitation."""

from __future__ import annotations

import contextlib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from conference.auth.forms import ChangePasswordForm, LoginForm, SetPasswordForm
from conference.extensions import db, limiter
from conference.security import (
    is_local_path,
    log_in,
    log_out,
    login_required,
    public,
    token_access,
)
from conference.services.accounts import (
    AccountError,
    InvalidCredentials,
    authenticate,
    change_password,
)
from conference.services.checkin.checkpoints import door_landing
from conference.services.languages import UnsupportedLanguage, change_account_language
from conference.services.sessions import end_all_sessions, live_sessions_of, secret_hash_of
from conference.services.staff import (
    PasswordLinkInvalid,
    find_password_link,
    set_password_by_link,
)

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
            # The language this person logs in with is the one their emails are written in.
            with contextlib.suppress(UnsupportedLanguage):
                change_account_language(user, str(get_locale()))
            log_in(user)
            return redirect(_safe_next(request.args.get("next"), user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    log_out()
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
            # Every login of the account ended with the old password (a stolen cookie too);
            # this browser continues with a new one.
            log_in(current_user._get_current_object())
            flash(_("Your password is changed."), "success")
            return redirect(url_for("manage.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/sessions")
@login_required
def sessions():
    """Where this account is logged in, with "log out everywhere"."""
    return render_template("auth/sessions.html", logins=live_sessions_of(current_user),
                           current_login_hash=secret_hash_of(current_user.login_cookie))


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def end_sessions():
    """Log out everywhere: every login of this account ends, this one too."""
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/welcome/<link_token>", methods=["GET", "POST"])
@token_access
def welcome(link_token: str):
    """An invited staff member chooses a password through the link in their invitation
    (single use, expiring), and is logged in."""
    link = find_password_link(link_token)
    if link is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = set_password_by_link(link_token, form.new_password.data)
        except PasswordLinkInvalid as error:
            db.session.rollback()
            form.new_password.errors.append(error.message)
        except AccountError as error:
            db.session.rollback()
            form.new_password.errors.append(error.message)
        else:
            with contextlib.suppress(UnsupportedLanguage):
                change_account_language(user, str(get_locale()))
            log_in(user)  # commits the password and the used link with the new login
            flash(_("Your password is set. Welcome!"), "success")
            return redirect(url_for("manage.index"))
    return render_template("auth/welcome.html", form=form, email=link.user.email)

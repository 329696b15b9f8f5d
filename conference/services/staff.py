"""The staff of an event: who an organizer may see, invitations by email, and the
set-password link an invited account starts with.

An organizer sees the accounts of the events they organize, never the whole system's. To
add someone, they type an email and a role: an existing account with that role is added
(and told by email), otherwise an account is created and gets a single-use, expiring
set-password link by email (through the outbox). The organizer learns nothing more about
an existing account than whether it can take the role.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from conference.extensions import db
from conference.models import Event, PasswordLink, Role, User
from conference.models.events import event_staff
from conference.models.types import utcnow
from conference.services import DomainError
from conference.services.accounts import normalise_email, set_account_password
from conference.services.messaging.outbox import enqueue_mail
from conference.services.sessions import SECRET_BYTES, SECRET_MAX_LENGTH, hash_secret
from conference.urls import absolute_url


class StaffError(DomainError):
    code = "staff_invalid"


class RoleConflict(StaffError):
    """The address belongs to an account that cannot take this role here (another role,
    a superuser or a deactivated account): only a superuser can change that."""

    code = "staff_role_conflict"


class CannotRemoveSelf(StaffError):
    code = "staff_cannot_remove_self"


class PasswordLinkInvalid(DomainError):
    """Unknown, used or expired set-password link (one message for all three)."""

    code = "password_link_invalid"


def staff_of(event: Event) -> list[User]:
    """The accounts assigned to ``event``, by email."""
    return sorted(event.staff, key=lambda u: u.email)


def known_staff(organizer: User, event: Event) -> list[User]:
    """Accounts an organizer may add to ``event`` without typing an email: the staff of
    the other events they organize (every non-superuser account for a superuser)."""
    query = db.select(User).where(User.is_superuser.is_(False), User.active.is_(True))
    if not organizer.is_superuser:
        organized = sa.select(event_staff.c.event_id).where(
            event_staff.c.user_id == organizer.id)
        colleagues = sa.select(event_staff.c.user_id).where(
            event_staff.c.event_id.in_(organized))
        query = query.where(User.id.in_(colleagues)) if organizer.role is Role.ORGANIZER \
            else query.where(sa.false())
    already = {u.id for u in event.staff}
    return [u for u in db.session.execute(query.order_by(User.email)).scalars()
            if u.id not in already]


def add_known_staff(organizer: User, event: Event, user_id: int) -> User:
    """Add one of ``known_staff`` to the event; StaffError for anyone else."""
    user = next((u for u in known_staff(organizer, event) if u.id == user_id), None)
    if user is None:
        raise StaffError(str(_l("Choose someone from the list.")), field="account")
    event.staff.append(user)
    return user


def invite_staff(event: Event, *, email: str, role: Role, invited_by: User,
                 locale: str = "en", now: dt.datetime | None = None) -> User:
    """Give the account with ``email`` the role ``role`` in ``event``, creating it (with
    a set-password link) when there is none; the invitation or notice goes through the
    outbox. RoleConflict when an existing account cannot take the role. The caller
    commits."""
    now = now or utcnow()
    email = normalise_email(email)
    user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
    if user is None:
        # Until they log in, they are written to in the inviter's language.
        user = User(email=email, name="", role=role, active=True, locale=locale)
        # Nobody knows this password: the account logs in after using its link.
        user.set_password(secrets.token_urlsafe(SECRET_BYTES))
        try:
            with db.session.begin_nested():
                db.session.add(user)
                db.session.flush()
        except IntegrityError as error:  # the same address invited at the same moment
            raise StaffError(str(_l("Someone invited this address at the same moment. "
                                    "Please try again.")), field="email") from error
        _send_invitation(event, user, invited_by, locale, now)
    elif user.is_superuser or not user.active or user.role is not role:
        raise RoleConflict(str(_l(
            "This address cannot be given this role here. A superuser can change the "
            "account.")), field="email")
    elif user.last_login_at is None and _has_unused_password_link(user):
        _send_invitation(event, user, invited_by, user.locale, now)  # invited, never came
    elif user not in event.staff:
        enqueue_mail(kind="staff_added", recipient=user.email,
                     subject=_l("You are now on the staff of %(event)s", event=event.name),
                     template="staff_added", event=event, locale=user.locale,
                     context={"role": role, "inviter": invited_by,
                              "link": absolute_url("auth.login")})
    if user not in event.staff:
        event.staff.append(user)
    return user


def remove_staff(event: Event, user: User, *, removed_by: User) -> None:
    """Take ``user`` off the event's staff (the account stays). An organizer cannot
    remove themselves (superusers are not staff of single events). The caller commits."""
    if user.id == removed_by.id and not removed_by.is_superuser:
        raise CannotRemoveSelf(str(_l("You cannot remove yourself from the event.")))
    if user in event.staff:
        event.staff.remove(user)


def _has_unused_password_link(user: User) -> bool:
    return db.session.execute(
        db.select(PasswordLink.id).filter_by(user_id=user.id, used_at=None)
    ).first() is not None


def _send_invitation(event: Event, user: User, invited_by: User, locale: str,
                     now: dt.datetime) -> None:
    secret = issue_password_link(user, now=now)
    hours = current_app.config["STAFF_INVITATION_HOURS"]
    enqueue_mail(kind="staff_invitation", recipient=user.email,
                 subject=_l("You are invited to the staff of %(event)s", event=event.name),
                 template="staff_invitation", event=event, locale=locale,
                 context={"role": user.role, "inviter": invited_by, "hours": hours,
                          "link": absolute_url("auth.welcome", link_token=secret)})


def issue_password_link(user: User, *, now: dt.datetime | None = None) -> str:
    """A new set-password link secret for ``user`` (earlier links stop working). The
    caller commits."""
    now = now or utcnow()
    db.session.execute(
        sa.update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    secret = secrets.token_urlsafe(SECRET_BYTES)
    hours = current_app.config["STAFF_INVITATION_HOURS"]
    db.session.add(PasswordLink(user_id=user.id, secret_hash=hash_secret(secret),
                                created_at=now, expires_at=now + dt.timedelta(hours=hours)))
    return secret


def find_password_link(secret: str, *, now: dt.datetime | None = None) -> PasswordLink | None:
    """The unused, unexpired link of an active account with this secret, or None."""
    if not secret or len(secret) > SECRET_MAX_LENGTH:
        return None
    now = now or utcnow()
    link = db.session.execute(
        db.select(PasswordLink).where(PasswordLink.secret_hash == hash_secret(secret))
    ).scalar_one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= now \
            or not link.user.active:
        return None
    return link


def set_password_by_link(secret: str, password: str, *,
                         now: dt.datetime | None = None) -> User:
    """Set the password of the link's account and use the link up (once only, also when
    two requests race). PasswordLinkInvalid or AccountError. The caller commits."""
    now = now or utcnow()
    link = find_password_link(secret, now=now)
    if link is None:
        raise PasswordLinkInvalid(str(_l(
            "This link is no longer valid. Ask the organizer for a new invitation.")))
    user = link.user
    set_account_password(user, password, now=now)  # AccountError before the link is used
    used = db.session.execute(
        sa.update(PasswordLink)
        .where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:
        raise PasswordLinkInvalid(str(_l(
            "This link is no longer valid. Ask the organizer for a new invitation.")))
    return user

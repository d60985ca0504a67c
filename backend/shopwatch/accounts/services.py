"""Logging in, invitations, password resets: the decisions about who gets an account and a session."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from shopwatch.accounts.models import Invite, LoginFailure, Membership, PasswordReset, Role, User
from shopwatch.accounts.sessions import revoke_all_sessions, start_session
from shopwatch.accounts.throttle import release_attempt, reserve_attempt
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.core.mail.outbox import enqueue_email
from shopwatch.core.mail.sealing import OutboxSeal
from shopwatch.core.security import (
    hash_password,
    hash_token,
    new_token,
    password_needs_rehash,
    verify_password,
)
from shopwatch.settings import Settings

INVITE_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
MAX_RESETS_PER_HOUR = 3
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

WRONG_CREDENTIALS = "That email and password do not match an account."
TOO_MANY_ATTEMPTS = "Too many failed attempts. Wait 15 minutes, then try again."
LINK_NOT_VALID = "This link has expired or has already been used. Ask for a new one."
ACCOUNT_CLOSED = "This account has been closed by an administrator."

ROLE_LABELS = {
    Role.SHOP_STAFF: "shop staff",
    Role.BID_MANAGER: "a BID manager",
    Role.POLICE: "a police officer",
    Role.ADMIN: "an administrator",
}

_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")


class AuthFailed(Exception):
    """Logging in (or using a one-time link) did not work; the message is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Authenticated:
    token: str
    user: User


@dataclass(frozen=True)
class InviteTarget:
    """Where an invited person will belong, already checked by the places layer."""

    role: Role
    bid_id: int
    bid_name: str
    shop_id: int | None = None
    shop_name: str | None = None
    team_id: int | None = None


def normalise_email(email: str, field: str = "email") -> str:
    email = email.strip().lower()
    if len(email) > 320 or not _EMAIL.match(email):
        raise InvalidInput(field, "Enter an email address like name@example.org.")
    return email


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(field, f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(field, f"Use at most {MAX_PASSWORD_LENGTH} characters.")


def check_name(name: str, field: str = "name") -> str:
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput(field, "Enter a name of 1 to 200 characters.")
    if "\x00" in name:
        raise InvalidInput(field, "Remove the NUL character.")
    return name


def lookup_email(email: str) -> str:
    """An email as typed into a login or reset form, as the key to look it up and throttle it by.
    PostgreSQL cannot store or compare NUL, and no account has one, so it is replaced."""
    return email.strip().lower().replace("\x00", "\ufffd")[:320]


async def log_in(email: str, password: str, address: str, user_agent: str = "") -> Authenticated:
    """Check the password, throttling by email and by address so guessing is slow for everyone."""
    email = lookup_email(email)
    attempt = await reserve_attempt(email, address[:64])
    if attempt is None:
        raise AuthFailed(TOO_MANY_ATTEMPTS)
    user = await User.get_or_none(email=email, is_active=True)
    if not await verify_password(user.password_hash if user else None, password) or user is None:
        raise AuthFailed(WRONG_CREDENTIALS)
    await release_attempt(attempt)
    if password_needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
        await user.save(update_fields=["password_hash"])
    return Authenticated(token=await start_session(user, user_agent), user=user)


async def invite_user(inviter: User, email: str, target: InviteTarget, settings: Settings) -> Invite:
    """Store the invitation and write its email to the outbox, in one transaction."""
    email = normalise_email(email)
    token = new_token()
    async with in_transaction():
        invite = await Invite.create(
            token_hash=hash_token(token),
            email=email,
            role=target.role,
            bid_id=target.bid_id,
            shop_id=target.shop_id,
            team_id=target.team_id,
            invited_by=inviter,
            expires_at=now() + INVITE_LIFETIME,
        )
        await enqueue_email(
            email,
            f"You are invited to Shopwatch for {target.bid_name}",
            "invite",
            {
                "inviter_name": inviter.name,
                "bid_name": target.bid_name,
                "shop_name": target.shop_name,
                "role_label": ROLE_LABELS[target.role],
                "link": settings.app_link(f"#/invite/{token}"),
                "expires_on": invite.expires_at.strftime("%-d %B %Y"),
            },
            message_domain=settings.mail_domain,
            seal=OutboxSeal(settings.secret_key),
        )
    return invite


async def accept_invite(token: str, name: str, password: str, user_agent: str = "") -> Authenticated:
    """Use a one-time invitation: create the account (or join an existing one) and log in."""
    name = check_name(name)
    check_password(password)
    async with in_transaction():
        invite = await Invite.get_or_none(
            token_hash=hash_token(token), accepted_at__isnull=True, expires_at__gt=now()
        )
        # The conditional update is what makes the link single-use when two requests race.
        if invite is None or not await Invite.filter(id=invite.id, accepted_at__isnull=True).update(
            accepted_at=now()
        ):
            raise AuthFailed(LINK_NOT_VALID)
        user = await User.get_or_none(email=invite.email)
        if user is None:
            user = await User.create(
                email=invite.email, name=name, password_hash=await hash_password(password)
            )
        elif not user.is_active:
            raise AuthFailed(ACCOUNT_CLOSED)
        elif not await verify_password(user.password_hash, password):
            raise AuthFailed("You already have an account: enter its password to accept this invitation.")
        await Membership.create(
            user=user,
            role=invite.role,
            bid_id=invite.bid_id,
            shop_id=invite.shop_id,
            team_id=invite.team_id,
        )
        return Authenticated(token=await start_session(user, user_agent), user=user)


async def request_password_reset(email: str, settings: Settings) -> None:
    """Email a reset link if the account exists; the caller learns nothing either way."""
    email = lookup_email(email)
    async with in_transaction():
        # Locking the account makes simultaneous requests for it take turns, so the hourly limit
        # also holds when the form is sent many times at once.
        user = await User.filter(email=email, is_active=True).select_for_update().first()
        if user is None:
            return
        recent = await PasswordReset.filter(user=user, created_at__gte=now() - timedelta(hours=1)).count()
        if recent >= MAX_RESETS_PER_HOUR:
            return  # stops the form being used to flood someone's inbox
        token = new_token()
        await PasswordReset.create(token_hash=hash_token(token), user=user, expires_at=now() + RESET_LIFETIME)
        await enqueue_email(
            user.email,
            "Reset your Shopwatch password",
            "password_reset",
            {
                "name": user.name,
                "link": settings.app_link(f"#/reset/{token}"),
                "valid_minutes": int(RESET_LIFETIME.total_seconds() // 60),
            },
            message_domain=settings.mail_domain,
            seal=OutboxSeal(settings.secret_key),
        )


async def reset_password(token: str, password: str, user_agent: str = "") -> Authenticated:
    """Use a one-time reset link: set the password, end every other session, log in."""
    check_password(password)
    reset = await PasswordReset.get_or_none(
        token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=now()
    ).select_related("user")
    if reset is None:
        raise AuthFailed(LINK_NOT_VALID)
    # Hashed before the transaction, so a single SQLite connection is not held while it runs.
    password_hash = await hash_password(password)
    async with in_transaction():
        # The conditional update is what makes the link single-use when two requests race.
        if not await PasswordReset.filter(id=reset.id, used_at__isnull=True).update(used_at=now()):
            raise AuthFailed(LINK_NOT_VALID)
        user = reset.user
        user.password_hash = password_hash
        await user.save(update_fields=["password_hash"])
        await PasswordReset.filter(user=user, used_at__isnull=True).update(used_at=now())
        await revoke_all_sessions(user.id)
        await LoginFailure.filter(email=user.email).delete()
        return Authenticated(token=await start_session(user, user_agent), user=user)


async def create_admin(email: str, name: str, password: str) -> User:
    """An administrator account, or administrator rights and a new password for an existing one."""
    email = normalise_email(email)
    check_password(password)
    password_hash = await hash_password(password)
    async with in_transaction():
        user = await User.get_or_none(email=email)
        if user is None:
            user = await User.create(email=email, name=check_name(name), password_hash=password_hash)
        else:
            user.password_hash = password_hash
            await user.save(update_fields=["password_hash"])
        if not await Membership.exists(user=user, role=Role.ADMIN):
            await Membership.create(user=user, role=Role.ADMIN)
    return user

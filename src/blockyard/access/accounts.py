"""Browser accounts: sign-up, sign-in with a limit on failures, sessions, memberships and invite links.

Passwords are kept as Argon2id hashes (argon2-cffi). Session and invite tokens are random and stored as
SHA-256 digests, looked up by digest. Every function runs inside the caller's transaction."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .. import ids
from ..store.engine import Tx
from ..store.schema import users, workspaces
from ..store.schema_web import web_accounts, web_invites, web_login_failures, web_members, web_sessions
from . import admin
from .tokens import digest

SESSION_DAYS = 30
INVITE_DAYS = 7
FAILURE_WINDOW_MS = 15 * 60 * 1000
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD = 8
MAX_PASSWORD = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
# Verifying against this costs the same as against a real hash, so an unknown email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(Exception):
    """A form that cannot be accepted: `field` names the input, the message is for people."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class TooManyAttempts(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    name: str


@dataclass(frozen=True)
class Membership:
    workspace: admin.Workspace
    user_id: str
    role: str

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 320:
        raise AccountError("email", "Enter a valid email address.")
    return email


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError("password", f"Use at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password", f"Use at most {MAX_PASSWORD} characters.")


def _account(tx: Tx, account_id: str) -> Account | None:
    row = tx.execute(sa.select(web_accounts).where(web_accounts.c.id == account_id)).first()
    return Account(row.id, row.email, row.name) if row else None


def sign_up(tx: Tx, email: str, name: str, password: str, *, invite: str | None = None) -> Account:
    """A new account. The first one owns the first workspace (made now if there is none); one that
    comes with an invite joins that workspace; any other gets a workspace of its own."""
    email = _clean_email(email)
    name = (name or "").strip()
    if not name:
        raise AccountError("name", "Enter your name.")
    if len(name) > 200:
        raise AccountError("name", "Use at most 200 characters.")
    _check_password(password)
    if tx.execute(sa.select(web_accounts.c.id).where(web_accounts.c.email == email)).first() is not None:
        raise AccountError("email", "An account with this email exists; log in instead.")
    invited = _invite_row(tx, invite) if invite else None
    if invite and invited is None:
        raise AccountError("invite", "This invite link is not valid any more.")
    first = tx.execute(sa.select(sa.func.count()).select_from(web_accounts)).scalar() == 0
    account = Account(ids.new_id(), email, name)
    tx.execute(web_accounts.insert().values(
        id=account.id, email=email, name=name, password_hash=_hasher.hash(password), created_time=tx.now,
    ))
    if invited is not None:
        accept_invite(tx, invite or "", account)
    elif first and tx.execute(sa.select(sa.func.count()).select_from(workspaces)).scalar():
        ws = admin.ensure_workspace(tx, None)
        tx.execute(users.update().where(users.c.id == ws.owner_id).values(name=name, email=email))
        _add_member(tx, account, ws, ws.owner_id, "owner")
    else:
        create_workspace(tx, account, f"{name}'s Workspace")
    return account


def create_workspace(tx: Tx, account: Account, name: str) -> admin.Workspace:
    name = (name or "").strip()
    if not name:
        raise AccountError("name", "Enter a name for the workspace.")
    ws = admin.create_workspace(tx, name[:200], owner_name=account.name, owner_email=account.email)
    _add_member(tx, account, ws, ws.owner_id, "owner")
    return ws


def _add_member(tx: Tx, account: Account, ws: admin.Workspace, user_id: str, role: str) -> None:
    tx.execute(web_members.insert().values(
        account_id=account.id, workspace_id=ws.id, user_id=user_id, role=role, created_time=tx.now,
    ))


def _failures(tx: Tx, key: str) -> tuple[int, int]:
    """(failures in the window, time of the oldest of them)."""
    row = tx.execute(
        sa.select(sa.func.count(), sa.func.min(web_login_failures.c.time))
        .where(web_login_failures.c.key == key, web_login_failures.c.time > tx.now - FAILURE_WINDOW_MS)
    ).first()
    return (row[0] or 0, row[1] or tx.now) if row else (0, tx.now)


def log_in(tx: Tx, email: str, password: str, address: str) -> Account | None:
    """The account, or None for a wrong email or password (the failure is recorded: commit it).
    Raises TooManyAttempts once the email or the address has failed too often in the window."""
    email = (email or "").strip().lower()
    keys = (("email:" + email, MAX_FAILURES_PER_EMAIL), ("ip:" + address, MAX_FAILURES_PER_ADDRESS))
    for key, limit in keys:
        count, oldest = _failures(tx, key)
        if count >= limit:
            raise TooManyAttempts(max(1, (oldest + FAILURE_WINDOW_MS - tx.now) // 1000))
    row = tx.execute(sa.select(web_accounts).where(web_accounts.c.email == email)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password or "")
        ok = row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        tx.execute(web_login_failures.insert(), [{"key": k, "time": tx.now} for k, _ in keys])
        tx.execute(web_login_failures.delete().where(web_login_failures.c.time <= tx.now - FAILURE_WINDOW_MS))
        return None
    tx.execute(web_login_failures.delete().where(web_login_failures.c.key == keys[0][0]))
    if _hasher.check_needs_rehash(row.password_hash):
        tx.execute(web_accounts.update().where(web_accounts.c.id == row.id)
                   .values(password_hash=_hasher.hash(password)))
    return Account(row.id, row.email, row.name)


def set_password(tx: Tx, email: str, password: str) -> None:
    _check_password(password)
    done = tx.execute(web_accounts.update().where(web_accounts.c.email == email.strip().lower())
                      .values(password_hash=_hasher.hash(password)))
    if not done.rowcount:
        raise AccountError("email", f"no account {email!r}")


def account_for_owner(tx: Tx, ws: admin.Workspace) -> Account | None:
    row = tx.execute(
        sa.select(web_accounts).join(web_members, web_members.c.account_id == web_accounts.c.id)
        .where(web_members.c.workspace_id == ws.id, web_members.c.user_id == ws.owner_id)
    ).first()
    return Account(row.id, row.email, row.name) if row else None


def start_session(tx: Tx, account: Account) -> str:
    """A new session's token, for the cookie; only its digest is kept."""
    token = secrets.token_urlsafe(32)
    tx.execute(web_sessions.insert().values(
        hash=digest(token), account_id=account.id, created_time=tx.now,
        expires_time=tx.now + SESSION_DAYS * 86_400_000,
    ))
    return token


def session_account(tx: Tx, token: str) -> Account | None:
    row = tx.execute(
        sa.select(web_accounts.c.id, web_accounts.c.email, web_accounts.c.name)
        .select_from(web_sessions.join(web_accounts, web_accounts.c.id == web_sessions.c.account_id))
        .where(web_sessions.c.hash == digest(token), web_sessions.c.expires_time > tx.now)
    ).first()
    return Account(row.id, row.email, row.name) if row else None


def end_session(tx: Tx, token: str) -> None:
    tx.execute(web_sessions.delete().where(web_sessions.c.hash == digest(token)))


def memberships(tx: Tx, account: Account) -> list[Membership]:
    rows = tx.execute(
        sa.select(workspaces.c.id, workspaces.c.name, web_members.c.user_id, web_members.c.role)
        .select_from(web_members.join(workspaces, workspaces.c.id == web_members.c.workspace_id))
        .where(web_members.c.account_id == account.id)
        .order_by(web_members.c.created_time, workspaces.c.name)
    ).all()
    out = []
    for r in rows:
        owner = tx.execute(
            sa.select(users.c.id).where(users.c.workspace_id == r.id, users.c.is_owner.is_(True))
        ).scalar_one()
        out.append(Membership(admin.Workspace(r.id, r.name, owner), r.user_id, r.role))
    return out


def membership(tx: Tx, account: Account, workspace_id: str) -> Membership | None:
    for m in memberships(tx, account):
        if m.workspace.id == workspace_id:
            return m
    return None


def members(tx: Tx, ws: admin.Workspace) -> list[dict[str, str]]:
    rows = tx.execute(
        sa.select(web_accounts.c.name, web_accounts.c.email, web_members.c.role)
        .join(web_members, web_members.c.account_id == web_accounts.c.id)
        .where(web_members.c.workspace_id == ws.id).order_by(web_members.c.created_time)
    )
    return [{"name": r.name, "email": r.email, "role": r.role} for r in rows]


def create_invite(tx: Tx, ws: admin.Workspace, by: Account) -> str:
    token = secrets.token_urlsafe(24)
    tx.execute(web_invites.insert().values(
        hash=digest(token), workspace_id=ws.id, created_by=by.id, created_time=tx.now,
        expires_time=tx.now + INVITE_DAYS * 86_400_000,
    ))
    return token


def _invite_row(tx: Tx, token: str):  # type: ignore[no-untyped-def]
    return tx.execute(
        sa.select(web_invites).where(
            web_invites.c.hash == digest(token), web_invites.c.expires_time > tx.now, web_invites.c.used_by.is_(None)
        )
    ).first()


def invite_workspace(tx: Tx, token: str) -> str | None:
    """The name of the workspace a valid invite link is for."""
    row = _invite_row(tx, token)
    if row is None:
        return None
    return tx.execute(sa.select(workspaces.c.name).where(workspaces.c.id == row.workspace_id)).scalar()


def accept_invite(tx: Tx, token: str, account: Account) -> str:
    """Joins the invite's workspace as a member (a new person user); returns the workspace ID."""
    row = _invite_row(tx, token)
    if row is None:
        raise AccountError("invite", "This invite link is not valid any more.")
    if membership(tx, account, row.workspace_id) is None:
        ws = admin.ensure_workspace(tx, row.workspace_id)
        user_id = admin.add_person(tx, ws, account.name, account.email)
        _add_member(tx, account, ws, user_id, "member")
    tx.execute(web_invites.update().where(web_invites.c.hash == row.hash).values(used_by=account.id))
    return row.workspace_id


def ensure_owner_account(tx: Tx, ws: admin.Workspace, email: str = "owner@example.com") -> tuple[Account, str | None]:
    """The account that owns `ws`, made now with a random password if there is none (for `serve --demo`).
    Returns it and the new password, or None when the account existed (its password is not kept)."""
    existing = account_for_owner(tx, ws)
    if existing is not None:
        return existing, None
    taken = tx.execute(sa.select(web_accounts.c.id).where(web_accounts.c.email == email)).first()
    if taken is not None:
        email = f"owner+{ws.id[:8]}@example.com"
    password = secrets.token_urlsafe(12)
    name = tx.execute(sa.select(users.c.name).where(users.c.id == ws.owner_id)).scalar() or "Workspace Owner"
    account = Account(ids.new_id(), email, name)
    tx.execute(web_accounts.insert().values(
        id=account.id, email=email, name=name, password_hash=_hasher.hash(password), created_time=tx.now,
    ))
    tx.execute(users.update().where(users.c.id == ws.owner_id).values(email=email))
    _add_member(tx, account, ws, ws.owner_id, "owner")
    return account, password

"""Verbs of the notices domain: tell an account something, in the app and by e-mail.

The notice row is written with the caller's change; the e-mail goes out only once that change
has committed (DESIGN: side effects that leave the database happen after the commit). A caller
that notifies inside a transaction therefore opens it with `atomic()` from this module, which
holds the mail back until the commit and drops it on a rollback.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from geo.areas import pick_name
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.errors import ValidationFailed
from marketplace.notices.mailers import Mail, Mailer, mailer_from_settings
from marketplace.notices.models import Notice
from marketplace.settings import Settings

log = logging.getLogger("taocity.notices")

_pending: ContextVar[list[Mail] | None] = ContextVar("taocity_pending_mail", default=None)
_mailer: Mailer | None = None


def use_mailer(mailer: Mailer | None) -> Mailer | None:
    """Choose the mailer (None: from the settings on next use); returns the previous one."""
    global _mailer
    previous, _mailer = _mailer, mailer
    return previous


def current_mailer() -> Mailer:
    global _mailer
    if _mailer is None:
        _mailer = mailer_from_settings(Settings())
    return _mailer


async def deliver(mails: Iterable[Mail]) -> None:
    """Send each mail; a failure is logged, not raised, because the change it reports has
    already committed and the in-app notice carries the same news."""
    mailer = current_mailer()
    for mail in mails:
        try:
            await mailer.send(mail)
        except Exception:
            log.exception("could not send mail to %s: %s", mail.to, mail.subject)


@asynccontextmanager
async def atomic() -> AsyncIterator[None]:
    """A transaction whose notices are e-mailed after it commits, and never if it rolls back.

    Nested inside another `atomic()`, it is a savepoint and the outermost one sends. Inside a
    plain `in_transaction()` it refuses to start: that commit is not one it can wait for.
    """
    outer = _pending.get()
    if outer is not None:
        kept = len(outer)
        try:
            async with in_transaction():
                yield
        except BaseException:
            del outer[kept:]  # the savepoint rolled back: so did its notices
            raise
        return
    if _in_plain_transaction():
        # an outer transaction we did not open could still roll back after our mail went out
        raise RuntimeError("open the outer transaction with notices.atomic(), not in_transaction()")
    pending: list[Mail] = []
    token = _pending.set(pending)
    try:
        async with in_transaction():
            yield
    finally:
        _pending.reset(token)
    await deliver(pending)


def _in_plain_transaction() -> bool:
    return isinstance(connections.get("default"), TransactionalDBClient)


def _check_texts(title: Mapping[str, str], body: Mapping[str, str]) -> None:
    if not any(str(text).strip() for text in title.values()):
        raise ValidationFailed.on("title", "is required in at least one locale")
    for field, texts in (("title", title), ("body", body)):
        for locale, text in texts.items():
            if not isinstance(text, str):
                raise ValidationFailed.on(f"{field}.{locale}", "must be text")


def mail_for(account: Account, notice: Notice) -> Mail | None:
    """The e-mail copy of a notice in the account's language; None without an address."""
    if not account.email:
        return None
    body = pick_name(notice.body, account.locale)
    if notice.link:
        body = f"{body}\n\n{notice.link}" if body else notice.link
    return Mail(to=account.email, subject=pick_name(notice.title, account.locale), body=body)


async def notify(
    account: Account,
    kind: str,
    title: Mapping[str, str],
    body: Mapping[str, str] | None = None,
    link: str | None = None,
    *,
    merchant_id: int | None = None,
) -> Notice:
    """Write a notice for `account` and e-mail it once the surrounding change commits;
    `merchant_id` names the business it is about, so that business's console shows it."""
    body = body or {}
    _check_texts(title, body)
    pending = _pending.get()
    if pending is None and _in_plain_transaction():
        # the commit is not ours to see, so the mail could go out for a change that rolls back
        raise RuntimeError("notify() inside a transaction must run within notices.atomic()")
    notice = await Notice.create(
        account=account,
        kind=kind,
        title=dict(title),
        body=dict(body),
        link=link,
        merchant_id=merchant_id,
    )
    mail = mail_for(account, notice)
    if mail is not None:
        if pending is not None:
            pending.append(mail)
        else:
            await deliver([mail])
    return notice


def _mine(account: Account, merchant_id: int | None) -> QuerySet[Notice]:
    # with a business: only the notices about it, never those of the owner's other businesses
    query = Notice.filter(account_id=account.id)
    return query if merchant_id is None else query.filter(merchant_id=merchant_id)


async def unread(
    account: Account, *, limit: int = 50, merchant_id: int | None = None
) -> list[Notice]:
    """The account's unread notices, newest first; with `merchant_id`, only those about that
    business."""
    return (
        await _mine(account, merchant_id)
        .filter(read_at=None)
        .order_by("-created_at", "-id")
        .limit(limit)
    )


async def unread_count(account: Account, *, merchant_id: int | None = None) -> int:
    return await _mine(account, merchant_id).filter(read_at=None).count()


async def recent(account: Account, *, limit: int = 50) -> list[Notice]:
    """The account's notices, read or not, newest first."""
    return await Notice.filter(account_id=account.id).order_by("-created_at", "-id").limit(limit)


async def mark_read(
    account: Account, notice_ids: Iterable[int] | None = None, *, merchant_id: int | None = None
) -> int:
    """Mark the account's own notices read (all of them when `notice_ids` is None; with
    `merchant_id`, only those about that business); returns how many changed. Ids of other
    accounts' notices are ignored, not an error, so a stale page cannot tell whether an id
    exists."""
    query = _mine(account, merchant_id).filter(read_at=None)
    if notice_ids is not None:
        query = query.filter(id__in=list(notice_ids))
    return await query.update(read_at=clock.now())

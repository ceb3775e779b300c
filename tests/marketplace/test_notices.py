"""Notices: written with the change, e-mailed after it commits, through the configured mailer."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from tortoise.transactions import in_transaction

from marketplace.errors import ValidationFailed
from marketplace.notices import services as notices
from marketplace.notices.mailers import (
    LogMailer,
    Mail,
    MailerConfigError,
    SmtpConfig,
    SmtpMailer,
    mailer_from_settings,
)
from marketplace.notices.models import Notice
from marketplace.settings import Settings
from tests.support.catalogue_inputs import CapturingMailer
from tests.support.factories import make_account
from tests.support.smtp_sink import SmtpSink

TITLE = {"zh-CN": "申请未通过", "en": "Application not approved"}
BODY = {"zh-CN": "原因：营业执照不清晰", "en": "Reason: the licence photo is unreadable"}


@pytest.fixture
def mailer() -> Iterator[CapturingMailer]:
    captured = CapturingMailer()
    previous = notices.use_mailer(captured)
    yield captured
    notices.use_mailer(previous)


@pytest.fixture
def log_mailer() -> Iterator[None]:
    previous = notices.use_mailer(LogMailer())
    yield
    notices.use_mailer(previous)


def test_the_mailer_follows_the_configuration() -> None:
    assert isinstance(mailer_from_settings(Settings(smtp_url=None)), LogMailer)
    smtp = mailer_from_settings(Settings(smtp_url="smtps://u%40x:p%2Fw@mail.example.test"))
    assert isinstance(smtp, SmtpMailer)
    assert (smtp.config.host, smtp.config.port, smtp.config.implicit_tls) == (
        "mail.example.test",
        465,
        True,
    )
    assert (smtp.config.username, smtp.config.password) == ("u@x", "p/w")
    config = SmtpConfig.from_url("smtp://relay:2525?starttls=1&from=shop@example.test")
    assert (config.port, config.starttls, config.sender) == (2525, True, "shop@example.test")
    with pytest.raises(MailerConfigError):
        SmtpConfig.from_url("http://mail.example.test")


async def test_without_smtp_the_mail_is_logged(
    db: str, log_mailer: None, caplog: pytest.LogCaptureFixture
) -> None:
    account = await make_account(locale="en")
    with caplog.at_level(logging.INFO, logger="taocity.mail"):
        notice = await notices.notify(account, "merchant_rejected", TITLE, BODY, "/merchant")
    assert await Notice.filter(id=notice.id).exists()
    logged = [r.getMessage() for r in caplog.records if r.name == "taocity.mail"]
    assert len(logged) == 1
    assert logged[0].startswith(f"mail to {account.email}: Application not approved")
    assert "the licence photo is unreadable" in logged[0] and "/merchant" in logged[0]


async def test_with_smtp_the_mail_reaches_the_server(db: str) -> None:
    account = await make_account(locale="zh-CN")
    async with SmtpSink() as sink:
        previous = notices.use_mailer(mailer_from_settings(Settings(smtp_url=sink.url)))
        try:
            await notices.notify(account, "merchant_rejected", TITLE, BODY)
        finally:
            notices.use_mailer(previous)
    assert len(sink.messages) == 1
    received = sink.messages[0]
    assert received.rcpt_to == [account.email]
    assert received.mail_from == "no-reply@example.test"
    message = received.message()
    assert message["Subject"] == "申请未通过"
    assert message["To"] == account.email
    assert message.get_content().strip() == "原因：营业执照不清晰"


async def test_mail_waits_for_the_commit_and_is_dropped_on_rollback(
    db: str, mailer: CapturingMailer
) -> None:
    account = await make_account()
    async with notices.atomic():
        await notices.notify(account, "a", TITLE)
        assert mailer.sent == []  # not before the commit
    assert [m.subject for m in mailer.sent] == ["申请未通过"]

    with pytest.raises(RuntimeError, match="boom"):
        async with notices.atomic():
            await notices.notify(account, "b", TITLE)
            raise RuntimeError("boom")
    assert len(mailer.sent) == 1
    assert await Notice.filter(kind="b").count() == 0


async def test_a_rolled_back_savepoint_takes_its_mail_with_it(
    db: str, mailer: CapturingMailer
) -> None:
    account = await make_account()
    async with notices.atomic():
        await notices.notify(account, "kept", TITLE)
        with pytest.raises(ValueError):
            async with notices.atomic():
                await notices.notify(account, "dropped", TITLE)
                raise ValueError("inner")
    assert len(mailer.sent) == 1
    assert await Notice.all().values_list("kind", flat=True) == ["kept"]


async def test_notify_in_a_transaction_it_cannot_see_commit_is_refused(
    db: str, mailer: CapturingMailer
) -> None:
    account = await make_account()
    with pytest.raises(RuntimeError, match=r"notices\.atomic"):
        async with in_transaction():
            await notices.notify(account, "x", TITLE)
    assert mailer.sent == []
    with pytest.raises(RuntimeError, match=r"notices\.atomic"):
        async with in_transaction(), notices.atomic():
            await notices.notify(account, "y", TITLE)
    assert mailer.sent == [] and await Notice.all().count() == 0


async def test_an_account_without_email_gets_the_notice_only(
    db: str, mailer: CapturingMailer
) -> None:
    account = await make_account(email=None, phone="+8613800000001")
    await notices.notify(account, "x", TITLE, BODY)
    assert mailer.sent == [] and await notices.unread_count(account) == 1


async def test_a_failing_mailer_does_not_undo_the_notice(
    db: str, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        async def send(self, mail: Mail) -> None:
            raise ConnectionRefusedError("no server")

    previous = notices.use_mailer(Broken())
    try:
        account = await make_account()
        with caplog.at_level(logging.ERROR, logger="taocity.notices"):
            await notices.notify(account, "x", TITLE)
    finally:
        notices.use_mailer(previous)
    assert await notices.unread_count(account) == 1
    assert any("could not send mail" in r.getMessage() for r in caplog.records)


async def test_unread_and_mark_read_touch_only_ones_own(db: str, mailer: CapturingMailer) -> None:
    me, other = await make_account(), await make_account()
    first = await notices.notify(me, "one", TITLE)
    second = await notices.notify(me, "two", TITLE)
    theirs = await notices.notify(other, "three", TITLE)
    assert [n.id for n in await notices.unread(me)] == [second.id, first.id]
    assert await notices.mark_read(me, [first.id, theirs.id]) == 1
    assert [n.id for n in await notices.unread(me)] == [second.id]
    assert await notices.unread_count(other) == 1
    assert await notices.mark_read(me) == 1
    assert await notices.unread_count(me) == 0
    assert len(await notices.recent(me)) == 2


async def test_a_notice_needs_a_title(db: str, mailer: CapturingMailer) -> None:
    account = await make_account()
    with pytest.raises(ValidationFailed) as err:
        await notices.notify(account, "x", {"en": " "})
    assert err.value.errors[0].field == "title"
    assert await Notice.all().count() == 0

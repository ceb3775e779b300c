"""How e-mail leaves the platform: the `Mailer` protocol and its two backends.

`SmtpMailer` when `SMTP_URL` is set, `LogMailer` otherwise, so a development set-up needs no
mail server and still shows what would have been sent.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from marketplace.errors import MarketplaceError
from marketplace.settings import Settings

log = logging.getLogger("taocity.mail")

SMTP_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class MailerConfigError(MarketplaceError):
    code = "smtp_url"


class LogMailer:
    """Writes each message to the `taocity.mail` log instead of sending it."""

    async def send(self, mail: Mail) -> None:
        log.info("mail to %s: %s\n%s", mail.to, mail.subject, mail.body)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    implicit_tls: bool  # smtps://, usually port 465
    starttls: bool
    username: str | None
    password: str | None
    sender: str

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        """`smtp://[user:pass@]host[:port][?starttls=1&from=addr]` or `smtps://...`."""
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise MailerConfigError(
                "SMTP_URL: expected smtp://[user:pass@]host[:port] or smtps://..."
            )
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit_tls = parts.scheme == "smtps"
        try:
            port = parts.port or (465 if implicit_tls else 25)
        except ValueError:
            raise MailerConfigError("SMTP_URL: the port is not a number") from None
        return cls(
            host=parts.hostname,
            port=port,
            implicit_tls=implicit_tls,
            starttls=query.get("starttls", "0").lower() in {"1", "true", "yes"},
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=query.get("from") or f"no-reply@{socket.getfqdn()}",
        )


class SmtpMailer:
    """Sends through an SMTP server with the standard library, in a worker thread so the event
    loop keeps serving while the server answers."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def _message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        return message

    def _send_now(self, mail: Mail) -> None:
        cfg = self.config
        smtp: smtplib.SMTP
        if cfg.implicit_tls:
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=SMTP_TIMEOUT_S, context=context)
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=SMTP_TIMEOUT_S)
        with smtp:
            if cfg.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if cfg.username is not None:
                smtp.login(cfg.username, cfg.password or "")
            smtp.send_message(self._message(mail))

    async def send(self, mail: Mail) -> None:
        await asyncio.to_thread(self._send_now, mail)


def mailer_from_settings(settings: Settings) -> Mailer:
    if settings.smtp_url:
        return SmtpMailer(SmtpConfig.from_url(settings.smtp_url))
    return LogMailer()

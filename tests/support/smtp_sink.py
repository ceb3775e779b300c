"""A tiny SMTP server on 127.0.0.1 that keeps every message it is given (tests only).

It speaks just enough of RFC 5321 for Python's smtplib: greeting, EHLO/HELO, MAIL, RCPT, DATA
(with dot-unstuffing), RSET, NOOP and QUIT. No TLS and no authentication.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import cast


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        return cast(EmailMessage, message_from_bytes(self.data, policy=policy.default))


@dataclass
class _Envelope:
    mail_from: str = ""
    rcpt_to: list[str] = field(default_factory=list)


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> SmtpSink:
        self._server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?from=no-reply@example.test"

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        envelope = _Envelope()
        await reply("220 sink ready")
        try:
            while line := await reader.readline():
                command = line.decode(errors="replace").strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    await reply("250 sink")
                elif verb == "MAIL":
                    envelope = _Envelope(mail_from=command.split(":", 1)[1].strip(" <>"))
                    await reply("250 OK")
                elif verb == "RCPT":
                    envelope.rcpt_to.append(command.split(":", 1)[1].strip(" <>"))
                    await reply("250 OK")
                elif verb == "DATA":
                    await reply("354 end with <CRLF>.<CRLF>")
                    self.messages.append(
                        Received(envelope.mail_from, envelope.rcpt_to, await self._data(reader))
                    )
                    await reply("250 OK: queued")
                elif verb == "RSET":
                    envelope = _Envelope()
                    await reply("250 OK")
                elif verb == "NOOP":
                    await reply("250 OK")
                elif verb == "QUIT":
                    await reply("221 bye")
                    break
                else:
                    await reply("502 not implemented")
        finally:
            writer.close()

    @staticmethod
    async def _data(reader: asyncio.StreamReader) -> bytes:
        lines: list[bytes] = []
        while True:
            line = await reader.readline()
            if line in (b".\r\n", b".\n", b""):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

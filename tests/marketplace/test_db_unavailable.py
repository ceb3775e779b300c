"""Which errors mean "the database cannot be reached now" (a 503 worth retrying), for each driver,
and which are bugs or bad input that must stay what they are."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from marketplace.db import is_unavailable


def _wrapped(outer: Exception, inner: Exception) -> Exception:
    """`outer` raised while handling `inner`, as drivers and Tortoise chain them."""
    try:
        try:
            raise inner
        except Exception as exc:
            raise outer from exc
    except Exception as exc:
        return exc


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed ('::1', 5432, 0, 0)"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.InterfaceError("connection is closed"),
        DBConnectionError("Can't establish connection to database taocity"),
        OperationalError(sqlite3.OperationalError("unable to open database file")),
        OperationalError(sqlite3.OperationalError("database is locked")),
        _wrapped(RuntimeError("while loading the account"), ConnectionResetError()),
    ],
    ids=lambda e: type(e).__name__,
)
def test_connection_failures_are_unavailable(exc: Exception) -> None:
    assert is_unavailable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("a bug"),
        KeyError("a bug"),
        FileNotFoundError("photo.jpg"),
        OSError("No space left on device"),
        IntegrityError(asyncpg.UniqueViolationError("duplicate key")),
        OperationalError(asyncpg.DataError("value out of int32 range")),
        OperationalError(sqlite3.OperationalError("no such table: listing")),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        _wrapped(RuntimeError("a bug"), ValueError("the cause")),
    ],
    ids=lambda e: f"{type(e).__name__}-{e}"[:40],
)
def test_bugs_and_bad_input_are_not(exc: Exception) -> None:
    assert not is_unavailable(exc)

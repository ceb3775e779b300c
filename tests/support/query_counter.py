"""Counting the SQL statements a piece of code sends, on either database.

    async with count_queries() as queries:
        await client.get("/")
    assert len(queries) <= 9, queries

Every statement the default connection's client runs (ORM or raw) passes through one of the
patched methods; a method that calls another of them counts once.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from tortoise import connections

METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many")
_inside: contextvars.ContextVar[bool] = contextvars.ContextVar("inside_query", default=False)


def _counting(method: Callable[..., Any], seen: list[str]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        if _inside.get():
            return await method(self, query, *args, **kwargs)
        seen.append(query)
        token = _inside.set(True)
        try:
            return await method(self, query, *args, **kwargs)
        finally:
            _inside.reset(token)

    return counted


@asynccontextmanager
async def count_queries() -> AsyncIterator[list[str]]:
    """The statements sent while the block runs, in order."""
    seen: list[str] = []
    client_class = type(connections.get("default"))
    with pytest.MonkeyPatch.context() as patch:
        for klass in client_class.__mro__:
            for name in METHODS:
                if name in vars(klass):
                    patch.setattr(klass, name, _counting(vars(klass)[name], seen))
        yield seen

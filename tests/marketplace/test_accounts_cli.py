"""`taocity operator create`: an operator made on the command line can sign in."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner

from marketplace import db as database
from marketplace.accounts import Role, ratelimit
from marketplace.accounts import services as accounts
from marketplace.accounts.cli import DatabaseRunner, operator
from marketplace.accounts.models import Account

T = TypeVar("T")
PASSWORD = "operator pass 2024"


class OnTestLoop(DatabaseRunner):
    """Runs the command's database work on the test's loop, where the test database is open."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        async def call() -> T:
            return await work()

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(timeout=60)


async def invoke(args: list[str], stdin: str | None = None):
    runner = OnTestLoop(asyncio.get_running_loop())
    # The command blocks until its database work is done, so it runs beside the loop.
    return await asyncio.to_thread(
        CliRunner().invoke, operator, args, input=stdin, obj=runner, catch_exceptions=False
    )


async def test_operator_create_from_stdin_can_sign_in(db: str) -> None:
    result = await invoke(
        ["create", "Boss@Example.com", "--password-stdin", "--name", "运营老板"], PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "created operator boss@example.com" in result.output
    account = await accounts.authenticate(
        "boss@example.com", PASSWORD, "127.0.0.1", limits=ratelimit.LoginLimits()
    )
    assert account.roles == {Role.OPERATOR}
    assert account.display_name == "运营老板"
    assert account.password_hash.startswith("$argon2id$")


async def test_operator_create_prompts_twice_for_the_password(db: str) -> None:
    result = await invoke(["create", "ops@example.com"], f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert (await Account.get(email="ops@example.com")).display_name == "ops"


async def test_operator_create_reports_bad_input_and_creates_nothing(db: str) -> None:
    short = await invoke(["create", "ops@example.com", "--password-stdin"], "short\n")
    assert short.exit_code != 0
    assert "password must be at least 8 characters" in short.output
    bad_email = await invoke(["create", "not-an-email", "--password-stdin"], PASSWORD + "\n")
    assert bad_email.exit_code != 0
    assert "email is not a valid e-mail address" in bad_email.output
    assert await Account.all().count() == 0


async def test_operator_grant_gives_an_existing_account_the_role(db: str) -> None:
    await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")
    result = await invoke(["grant", "MEI@example.com"])
    assert result.exit_code == 0, result.output
    assert (await Account.get(email="mei@example.com")).roles == {Role.RESIDENT, Role.OPERATOR}
    missing = await invoke(["grant", "nobody@example.com"])
    assert missing.exit_code != 0


def test_operator_create_opens_and_closes_the_database_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite://{tmp_path / 'cli.sqlite3'}"
    asyncio.run(database.migrate(url))
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(
        operator, ["create", "ops@example.com", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output

    async def check() -> set[Role]:
        await database.init_db(url)
        try:
            return (await Account.get(email="ops@example.com")).roles
        finally:
            await database.close_db()

    assert asyncio.run(check()) == {Role.OPERATOR}

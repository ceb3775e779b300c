"""`taocity operator ...`: operator accounts, created from the command line of a new city."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from marketplace.accounts import Role
from marketplace.accounts import services as accounts
from marketplace.errors import MarketplaceError
from marketplace.settings import Settings

T = TypeVar("T")


class DatabaseRunner:
    """Runs one coroutine with the database open: connect, run, close.

    A caller that already holds an open database (a test on its own event loop) passes a
    subclass as the click context object instead.
    """

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        return asyncio.run(self._with_database(work))

    @staticmethod
    async def _with_database(work: Callable[[], Awaitable[T]]) -> T:
        from marketplace import db

        await db.init_db(Settings().database_url)
        try:
            return await work()
        finally:
            await db.close_db()


def _runner(ctx: click.Context) -> DatabaseRunner:
    return ctx.find_object(DatabaseRunner) or DatabaseRunner()


def _fail(exc: MarketplaceError) -> click.ClickException:
    details = "; ".join(f"{e.field} {e.reason}" for e in exc.errors)
    return click.ClickException(details or exc.message)


@click.group("operator")
def operator() -> None:
    """Operator accounts (运营): the people who run the city."""


@operator.command("create")
@click.argument("email")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)
@click.option("--name", default=None, help="Display name; defaults to the part before the @.")
@click.pass_context
def create(ctx: click.Context, email: str, password_stdin: bool, name: str | None) -> None:
    """Create an operator account that signs in with EMAIL."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    display_name = name or email.split("@", 1)[0]
    try:
        account = _runner(ctx).run(lambda: accounts.create_operator(email, password, display_name))
    except MarketplaceError as exc:
        raise _fail(exc) from None
    click.echo(f"created operator {account.email} (account {account.id})")


@operator.command("grant")
@click.argument("identifier")
@click.pass_context
def grant(ctx: click.Context, identifier: str) -> None:
    """Give the operator role to an existing account (e-mail or phone)."""

    async def work() -> str:
        account = await accounts.find_account(accounts.parse_identifier(identifier))
        if account is None:
            raise MarketplaceError(f"no account signs in with {identifier}")
        await accounts.grant_role(account, Role.OPERATOR)
        return account.identifier

    try:
        who = _runner(ctx).run(work)
    except MarketplaceError as exc:
        raise _fail(exc) from None
    click.echo(f"{who} is now an operator")

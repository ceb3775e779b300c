"""The purchase kernel sits below the kinds: bookings and orders import it and not each other,
and it imports neither (nor payments, nor the web layer)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from marketplace.bookings.kind import BOOKINGS
from marketplace.orders.kind import ORDERS
from marketplace.purchases.kinds import kind_named, registered

ROOT = Path(__file__).resolve().parents[2]


def imported_by(package: str) -> set[str]:
    """Every module a package's files import, as dotted names."""
    found: set[str] = set()
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return found


def _under(modules: set[str], package: str) -> set[str]:
    return {m for m in modules if m == package or m.startswith(package + ".")}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("marketplace.orders", "marketplace.bookings"),
        ("marketplace.bookings", "marketplace.orders"),
        ("marketplace.purchases", "marketplace.bookings"),
        ("marketplace.purchases", "marketplace.orders"),
        ("marketplace.purchases", "payments"),
        ("marketplace.purchases", "web"),
    ],
)
def test_no_import_against_the_direction(package: str, forbidden: str) -> None:
    assert _under(imported_by(package), forbidden) == set()


def test_both_kinds_are_registered_by_name() -> None:
    assert kind_named("booking") is BOOKINGS and kind_named("order") is ORDERS
    assert {k.name for k in registered()} >= {"booking", "order"}

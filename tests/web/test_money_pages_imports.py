"""The money pages and what they show a payable with name no kind of purchase: a third kind
(a voucher, an event place) is paid, shown and paid out through them unchanged."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

MONEY_MODULES = (
    "web/routes/checkout_pages.py",
    "web/routes/merchant_payouts.py",
    "web/routes/merchant_refusals.py",
    "web/payable_json.py",
    "payments/payable_view.py",
)
KIND_MODULES = (
    "marketplace.bookings",
    "marketplace.orders",
    "web.routes.merchant_bookings",
    "web.routes.merchant_orders",
    "web.routes.booking_pages",
    "web.routes.order_pages",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("module", MONEY_MODULES)
def test_a_money_module_imports_no_kind_of_purchase(module: str) -> None:
    found = {
        name
        for name in _imports(REPO / module)
        if any(name == kind or name.startswith(kind + ".") for kind in KIND_MODULES)
    }
    assert not found, f"{module} imports {sorted(found)}"

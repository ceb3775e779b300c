"""A payable's lines as pages and the JSON API show them: each line's label in the reader's
language and its amount as the reader's locale writes it, exactly as the pricing step computed
them. Nothing here adds amounts up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request

from geo.areas import pick_name
from payments.payable_view import PayableView
from payments.pricing import Line
from web.i18n import request_locale
from web.templating import format_money


class PayableLineOut(BaseModel):
    kind: str = Field(description="item, fee (such as delivery) or adjustment (a price change)")
    label: str = Field(description="in the request's language")
    quantity: int
    unit_amount: int = Field(description="minor units")
    amount: int = Field(description="minor units; negative for a discount")
    amount_text: str
    funded_by: str = Field(description="who bears an adjustment: platform or merchant; else none")


def money(request: Request, minor: int) -> str:
    city = request.app.state.city
    return format_money(
        minor, request_locale(request), city.currency, city.minor_units, whole=False
    )


def line_json(request: Request, line: Line) -> dict[str, Any]:
    return {
        "kind": str(line.kind),
        "label": pick_name(line.label or {}, request_locale(request)),
        "quantity": line.quantity,
        "unit_amount": line.unit_amount,
        "amount": line.amount,
        "amount_text": money(request, line.amount),
        "funded_by": str(line.funded_by),
    }


def lines_json(request: Request, lines: Iterable[Line]) -> list[dict[str, Any]]:
    return [line_json(request, line) for line in lines]


def payable_shown(request: Request, payable: PayableView) -> dict[str, Any]:
    """What the pages' lines macro (`_payable.html`) draws of a payable."""
    return {
        "lines": lines_json(request, payable.lines),
        "amount_due": payable.amount_due,
        "paid": payable.paid,
        "refunded": payable.refunded,
    }

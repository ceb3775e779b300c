"""What readers see of a payable: its lines as priced, the amount due, what its tenders took and
what was given back, several payables in one go."""

from __future__ import annotations

from payments import payable_view
from payments.models import Payment
from payments.payables import payable_of
from payments.tenders import create_tender
from payments.types import FundedBy, LineKind, PaymentState
from tests.payments.conftest import held_booking, held_order


async def test_lines_amount_due_paid_and_refunded(db: str, city) -> None:
    order = await held_order(city, price=1500, quantity=2)
    booking = await held_booking(city)
    seen = await payable_view.views("order", [order.id, order.id, 999_999])
    assert list(seen) == [order.id]  # each once; a purchase without a payable is left out
    shown = seen[order.id]
    assert (shown.reference, shown.currency, shown.amount_due) == (f"order:{order.id}", "CNY", 3000)
    assert [(line.kind, line.quantity, line.unit_amount, line.amount) for line in shown.lines] == [
        (LineKind.ITEM, 2, 1500, 3000)
    ]
    assert shown.lines[0].funded_by is FundedBy.NONE
    assert (shown.paid, shown.refunded) == (0, 0)

    payable = await payable_of("booking", booking.id)
    tender = await create_tender(
        city,
        payable,
        provider="stripe",
        provider_ref="pay_view_1",
        attempt=1,
        amount=payable.amount_due,
        state=PaymentState.SUCCEEDED,
        idempotency_key=f"booking-{booking.id}-payment-1",
    )
    await Payment.filter(id=tender.id).update(
        state=PaymentState.PARTIALLY_REFUNDED, refunded_amount=2000
    )
    again = await payable_view.view("booking", booking.id)
    assert again is not None
    assert (again.amount_due, again.paid, again.refunded) == (12000, 12000, 2000)
    assert again.total(LineKind.ITEM) == 12000 and again.total(LineKind.FEE) == 0
    assert await payable_view.view("booking", 999_999) is None
    assert await payable_view.views("booking", []) == {}

"""Errors of the payments core; each has a machine `code` and an HTTP `status`. Provider
errors (unreachable, refused, bad webhook) are in `payments.interfaces`."""

from __future__ import annotations

from marketplace.errors import Conflict, MarketplaceError, NotFound


class UnbalancedTransaction(MarketplaceError):
    """A programming error caught before it reaches the books."""

    code = "ledger_unbalanced"
    status = 500


class LedgerIsAppendOnly(MarketplaceError):
    """A programming error: a ledger entry is never changed or deleted; a mistake is corrected
    by posting a reversing transaction."""

    code = "ledger_append_only"
    status = 500


class PayableNotFound(NotFound):
    """No such purchase, or somebody else's (which is not told)."""

    code = "payable_not_found"


class PaymentNotFound(NotFound):
    code = "payment_not_found"


class NotPayable(Conflict):
    """The purchase is not waiting for an online payment (or its hold ran out)."""

    code = "not_payable"


class ProviderNotAvailable(MarketplaceError):
    """The city does not offer this provider, or this process has no keys for it."""

    code = "payment_provider_not_configured"
    status = 422


class MerchantCannotTakePayments(Conflict):
    code = "merchant_cannot_take_payments"


class EventRefused(MarketplaceError):
    """A verified event that does not match our records (amount, currency, unknown payment):
    logged, and nothing changes."""

    code = "payment_event_refused"
    status = 422


class RefundTooLarge(MarketplaceError):
    code = "refund_too_large"
    status = 422


class RefundsNotSupported(MarketplaceError):
    code = "refunds_not_supported"
    status = 422


class RefundConflict(Conflict):
    """Another refund of this payment was asked for at the same moment with another amount."""

    code = "refund_conflict"


class AlreadyPaid(Conflict):
    code = "already_paid"

"""Vocabulary of payments: states of a payment and a refund, and the ledger's accounts."""

from __future__ import annotations

from enum import StrEnum

# the tender paid at the store: the merchant keeps the cash and owes the commission
STORE_PROVIDER = "pay_at_store"


class PaymentState(StrEnum):
    STARTED = "started"  # created on our side; the provider may or may not have it yet
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


# a payment in one of these has taken the resident's money
PAID = frozenset({PaymentState.SUCCEEDED, PaymentState.REFUNDED, PaymentState.PARTIALLY_REFUNDED})


class RefundState(StrEnum):
    PENDING = "pending"  # asked for (or about to be); counts against what can still be refunded
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class LedgerAccount(StrEnum):
    """Ledger accounts. Amounts are signed minor units and every transaction sums to zero:
    negative is money that came in from residents, positive is where it is owed or kept."""

    RESIDENT_PAYMENTS = "resident_payments"  # minus everything residents paid, online or in store
    PLATFORM_COMMISSION = "platform_commission"  # the platform's fees
    MERCHANT_PAYABLE = "merchant_payable"  # what the platform owes a merchant (negative: is owed)
    REFUNDS = "refunds"  # plus everything given back to residents
    CASH_AT_STORE = "cash_at_store"  # cash a merchant took at the store and keeps
    PLATFORM_SUBSIDY = "platform_subsidy"  # negative: what the platform paid in for a discount
    PROMOTER_PAYABLE = "promoter_payable"  # what the platform owes a promoter (third party)
    RESIDENT_WALLET = "resident_wallet"  # a resident's wallet balance, owed back to them
    STORED_VALUE = "stored_value"  # value held on a resident's stored-value card
    POINTS = "points"  # points a resident holds, at their money value
    UNREDEEMED_VOUCHERS = "unredeemed_vouchers"  # vouchers sold and not yet used


class EventOutcome(StrEnum):
    APPLIED = "applied"
    ALREADY = "already"  # about something already in that state (another event said it)
    DEFERRED = "deferred"  # about a payment we have not seen succeed yet: applied when it does
    IGNORED = "ignored"


class RefundReason(StrEnum):
    CANCELLED = "cancelled"  # the purchase was cancelled with a refund due
    SLOT_GONE = "slot_gone"  # paid after the hold expired and the place was released
    OPERATOR = "operator"
    PROVIDER = "provider"  # made at the provider (its dashboard), learnt from an event


class LineKind(StrEnum):
    """What a payable's line is: something bought, a price change, or a charge such as delivery."""

    ITEM = "item"
    ADJUSTMENT = "adjustment"  # a discount (negative) or a surcharge, funded by `FundedBy`
    FEE = "fee"  # delivery and the like: the merchant's income, like an item


class FundedBy(StrEnum):
    """Who pays for an adjustment: a platform coupon comes out of the platform's share, a
    merchant's discount out of the merchant's."""

    PLATFORM = "platform"
    MERCHANT = "merchant"
    NONE = "none"  # items and fees


class PartyKind(StrEnum):
    """Who a ledger entry or a share of a split belongs to."""

    RESIDENT = "resident"
    MERCHANT = "merchant"
    PROMOTER = "promoter"
    PLATFORM = "platform"

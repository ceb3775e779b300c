"""The split: one function that turns what a payable's lines say into who gets what.

Items and fees are the merchant's sales. A merchant-funded adjustment (a merchant's own
discount) lowers the merchant's sales; commission is the city's percent of what remains, the
`base`. A platform-funded adjustment (a platform coupon) is paid by the platform: the merchant
still receives `base - commission`, and the platform's share is `commission + adjustment`;
when that is negative, the platform's commission is zero and the rest is its subsidy. Shares for
third parties (a promoter) come out of the platform's commission and never exceed it.

So the shares always add up to the amount due (items + fees + every adjustment), and a payable
without adjustments splits exactly as `commission.application_fee` always has.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from payments.commission import application_fee
from payments.types import FundedBy, LineKind, PartyKind


class ShareKind(StrEnum):
    MERCHANT = "merchant_share"
    PLATFORM_COMMISSION = "platform_commission"
    PLATFORM_SUBSIDY = "platform_subsidy"  # negative share: the platform pays it in
    THIRD_PARTY = "third_party_commission"


class LineLike(Protocol):
    kind: LineKind | str
    amount: int
    funded_by: FundedBy | str


@dataclass(frozen=True)
class ThirdParty:
    """A party paid out of the platform's commission (a promoter), with what it is owed."""

    kind: PartyKind
    id: int
    amount: int
    basis: str


@dataclass(frozen=True)
class Share:
    share: ShareKind
    party_kind: PartyKind
    party_id: int | None
    amount: int
    basis: str


@dataclass(frozen=True)
class Split:
    amount_due: int
    shares: tuple[Share, ...]

    def of(self, kind: ShareKind) -> int:
        return sum(s.amount for s in self.shares if s.share is kind)

    @property
    def merchant(self) -> int:
        return self.of(ShareKind.MERCHANT)

    @property
    def application_fee(self) -> int:
        """What the platform keeps from a destination charge: everything but the merchant's."""
        return self.amount_due - self.merchant


def _sum(lines: Iterable[LineLike], *, kinds: set[str], funded_by: str | None = None) -> int:
    return sum(
        int(line.amount)
        for line in lines
        if str(line.kind) in kinds and (funded_by is None or str(line.funded_by) == funded_by)
    )


def split(
    lines: Sequence[LineLike],
    *,
    merchant_id: int,
    percent: Decimal | int,
    third_parties: Sequence[ThirdParty] = (),
) -> Split:
    """Who gets what of a payable priced into `lines`, at the city's commission `percent`."""
    sales = _sum(lines, kinds={LineKind.ITEM.value, LineKind.FEE.value})
    adjust = LineKind.ADJUSTMENT.value
    merchant_funded = _sum(lines, kinds={adjust}, funded_by=FundedBy.MERCHANT.value)
    platform_funded = _sum(lines, kinds={adjust}, funded_by=FundedBy.PLATFORM.value)
    unfunded = _sum(lines, kinds={adjust}, funded_by=FundedBy.NONE.value)
    if unfunded:
        raise ValueError("an adjustment must say who funds it (platform or merchant)")
    base = sales + merchant_funded
    if base < 0 or base + platform_funded < 0:
        raise ValueError(f"adjustments exceed what is sold ({sales})")
    commission = application_fee(base, percent)
    platform = commission + platform_funded
    shares = [
        Share(
            ShareKind.MERCHANT,
            PartyKind.MERCHANT,
            merchant_id,
            base - commission,
            f"sales {sales} + merchant-funded {merchant_funded} - commission {commission}",
        )
    ]
    owed = sum(t.amount for t in third_parties)
    if any(t.amount < 0 for t in third_parties) or owed > max(platform, 0):
        raise ValueError(f"third parties are owed {owed}, more than the platform keeps")
    for t in third_parties:
        shares.append(Share(ShareKind.THIRD_PARTY, t.kind, t.id, t.amount, t.basis))
    if platform >= 0:
        shares.append(
            Share(
                ShareKind.PLATFORM_COMMISSION,
                PartyKind.PLATFORM,
                None,
                platform - owed,
                f"{percent}% of {base} + platform-funded {platform_funded}",
            )
        )
    else:
        shares.append(
            Share(
                ShareKind.PLATFORM_SUBSIDY,
                PartyKind.PLATFORM,
                None,
                platform,
                f"platform-funded {platform_funded} exceeds commission {commission}",
            )
        )
    return Split(amount_due=base + platform_funded, shares=tuple(shares))

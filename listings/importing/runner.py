"""Applying an import file: each row on its own, committed or refused whole, with a report.

Rows are matched to listings by `external_id`, so importing the same file again updates what it
created instead of duplicating it. An imported merchant is owned by the operator who imported it
(and approved by them) until its real owner takes over; every change goes through the catalogue
services, so the same rules, permissions and audit trail apply as for a merchant's own edits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from listings import catalogue
from listings.importing.rows import ImportRow, normalise
from listings.importing.source import RawRow, read_rows
from listings.models import Listing, Merchant, Offering
from listings.offerings import add_offering, remove_offering, update_offering
from listings.types import ListingStatus, MerchantStatus
from listings.verticals import clean_names
from marketplace import clock
from marketplace.accounts import Role
from marketplace.accounts.models import Account
from marketplace.errors import FieldError, MarketplaceError, PermissionDenied
from marketplace.notices.services import atomic

if TYPE_CHECKING:
    from marketplace.city import City

CREATED, UPDATED = "created", "updated"


@dataclass(frozen=True)
class RejectedRow:
    line: int
    external_id: str
    errors: list[FieldError]

    def lines(self) -> list[str]:
        return [f"line {self.line}: {e.field}: {e.reason}" for e in self.errors]


@dataclass
class ImportReport:
    dry_run: bool
    created: int = 0
    updated: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def accepted(self) -> int:
        return self.created + self.updated

    @property
    def rows(self) -> int:
        return self.accepted + len(self.rejected)

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (
            f"{self.rows} rows: {self.created} {verb} created, {self.updated} {verb} updated, "
            f"{len(self.rejected)} rejected ({self.seconds:.1f} s, {rate:.0f} rows/s)"
        )


class _RollBack(Exception):
    """Raised inside a dry-run row's transaction so that nothing it wrote stays."""


async def run_import(
    city: City, operator: Account, text: str, fmt: str, *, dry_run: bool = False
) -> ImportReport:
    if not operator.has_role(Role.OPERATOR):
        raise PermissionDenied("only operators import listings")
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    seen: dict[str, int] = {}
    for raw in read_rows(text, fmt):
        row = _row(raw, list(city.locales), seen)
        if row.errors:
            report.rejected.append(RejectedRow(row.line, row.external_id, row.errors))
            continue
        try:
            outcome = await _apply_row(city, operator, row, dry_run=dry_run)
        except MarketplaceError as exc:
            errors = [_as_column(e) for e in exc.errors] or [FieldError("(row)", exc.message)]
            report.rejected.append(RejectedRow(row.line, row.external_id, errors))
            continue
        except IntegrityError as exc:  # e.g. the same external id written concurrently
            reason = f"could not be saved: {exc}"
            report.rejected.append(
                RejectedRow(row.line, row.external_id, [FieldError("(row)", reason)])
            )
            continue
        seen[row.external_id] = row.line
        if outcome == CREATED:
            report.created += 1
        else:
            report.updated += 1
    report.seconds = time.perf_counter() - started
    return report


# the catalogue names fields as a form has them; the report names the file's columns
_COLUMNS = {"weekly_hours": "hours", "location.lat": "lat", "location.lng": "lng"}


def _as_column(error: FieldError) -> FieldError:
    for field_name, column in _COLUMNS.items():
        if error.field == field_name or error.field.startswith(
            (f"{field_name}.", f"{field_name}[")
        ):
            return FieldError(column + error.field[len(field_name) :], error.reason)
    return error


def _row(raw: RawRow, locales: list[str], seen: dict[str, int]) -> ImportRow:
    row = normalise(raw.line, raw.data, locales)
    row.errors[:0] = raw.errors
    if row.external_id in seen:
        first = seen[row.external_id]
        row.errors.append(FieldError("external_id", f"repeats the row on line {first}"))
    return row


async def _apply_row(city: City, operator: Account, row: ImportRow, *, dry_run: bool) -> str:
    try:
        async with atomic():
            existing = await Listing.get_or_none(external_id=row.external_id)
            if existing is None:
                listing = await _create(city, operator, row)
                outcome = CREATED
            else:
                listing = await _update(city, operator, existing, row)
                outcome = UPDATED
            await _set_status(operator, listing, row.publish)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return outcome


async def _create(city: City, operator: Account, row: ImportRow) -> Listing:
    names = row.listing.get("name")
    merchant_name = row.merchant.get("merchant_name") or names
    merchant = await Merchant.create(
        name=clean_names(merchant_name) if isinstance(merchant_name, dict) else {},
        status=MerchantStatus.APPROVED,
        owner=operator,
        reviewed_by=operator,
        reviewed_at=clock.now(),
        **_contact(row),
    )
    listing = await catalogue.create_listing(
        city, operator, merchant, vertical=row.vertical, offerings=row.offerings, **row.listing
    )
    listing.external_id = row.external_id
    await listing.save(update_fields=["external_id"])
    return listing


async def _update(city: City, operator: Account, listing: Listing, row: ImportRow) -> Listing:
    if row.vertical != listing.vertical:
        raise MarketplaceError(
            "vertical cannot change",
            errors=[
                FieldError("vertical", f"was {listing.vertical.value}; create a new external_id")
            ],
        )
    listing = await catalogue.update_listing(city, operator, listing, row.listing)
    await _sync_offerings(city, operator, listing, row.offerings)
    contact = _contact(row)
    if contact:
        await Merchant.filter(id=listing.merchant_id).update(**contact)  # type: ignore[attr-defined]
    return listing


def _contact(row: ImportRow) -> dict[str, Any]:
    return {
        k: str(row.merchant[k])
        for k in ("contact_phone", "contact_email", "contact_name")
        if k in row.merchant
    }


async def _sync_offerings(
    city: City, operator: Account, listing: Listing, wanted: list[dict[str, Any]]
) -> None:
    """Offerings are matched by their name in the city's default locale: changed ones are
    updated in place (their ids stay, for the bookings that will point at them), new ones added,
    and ones no longer in the file removed."""
    key_locale = city.default_locale
    current = {
        (o.name or {}).get(key_locale, ""): o
        for o in await Offering.filter(listing_id=listing.id).order_by("id")
    }
    kept: set[int] = set()
    for index, data in enumerate(wanted):
        key = (data.get("name") or {}).get(key_locale, "") if isinstance(data, dict) else ""
        match = current.get(key)
        try:
            if match is not None and match.id not in kept:
                await update_offering(city, operator, match, {**data, "sort_order": index})
                kept.add(match.id)
            else:
                await add_offering(city, operator, listing, {**data, "sort_order": index})
        except MarketplaceError as exc:
            prefix = f"offerings[{index}]"
            raise MarketplaceError(
                exc.message,
                errors=[
                    FieldError(f"{prefix}.{e.field.split('.', 1)[-1]}", e.reason)
                    for e in exc.errors
                ]
                or [FieldError(prefix, exc.message)],
            ) from None
    for offering in current.values():
        if offering.id not in kept:
            await remove_offering(operator, offering)


async def _set_status(operator: Account, listing: Listing, publish: bool) -> None:
    if publish and listing.status == ListingStatus.DRAFT:
        await catalogue.publish(operator, listing)
    elif not publish and listing.status == ListingStatus.PUBLISHED:
        await catalogue.unpublish(operator, listing)

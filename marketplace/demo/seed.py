"""Write the demo catalogue to the database: accounts, merchants, listings and offerings.

One transaction, so a failed seed leaves nothing behind; rows go in with `bulk_create`.
Neither SQLite nor asyncpg hand back ids from a bulk insert, so merchants and listings are read
back by the keys the catalogue gives them (contact e-mail, external id).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from listings import index_outbox
from listings.models import Listing, Merchant, MerchantStaff, Offering
from listings.types import ListingStatus, MerchantStatus, Vertical
from marketplace import clock
from marketplace.accounts import Role
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.demo import (
    DEFAULT_COUNT,
    DEFAULT_SEED,
    DEMO_EMAIL_DOMAIN,
    EXTERNAL_ID_PREFIX,
)
from marketplace.demo.availability import Settings, catalogue_availability, table_reservations
from marketplace.demo.catalog import DemoListing, generate_catalog

BATCH_SIZE = 500


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    display_name: str
    role: Role


OPERATOR = DemoAccount(
    f"operator@{DEMO_EMAIL_DOMAIN}", "demo-operator-2026", "Demo operator", Role.OPERATOR
)
RESIDENT = DemoAccount(f"resident@{DEMO_EMAIL_DOMAIN}", "demo-resident-2026", "小陈", Role.RESIDENT)
MERCHANT_PASSWORD = "demo-merchant-2026"
# One owner per merchant would cost one argon2 hash each; a dozen owners share the merchants.
MERCHANT_OWNERS = tuple(
    DemoAccount(
        f"merchant{n:02d}@{DEMO_EMAIL_DOMAIN}",
        MERCHANT_PASSWORD,
        f"Demo merchant {n:02d}",
        Role.MERCHANT_STAFF,
    )
    for n in range(1, 13)
)
DEMO_ACCOUNTS = (OPERATOR, RESIDENT, *MERCHANT_OWNERS)


@dataclass(frozen=True)
class SeedReport:
    listings: int
    offerings: int = 0
    merchants: int = 0
    accounts_created: int = 0
    by_vertical: dict[str, int] | None = None
    by_district: dict[str, int] | None = None
    seconds: float = 0.0
    already_seeded: bool = False

    def summary(self) -> str:
        if self.already_seeded:
            return f"already seeded ({self.listings} listings)"
        lines = [
            f"seeded {self.listings} listings, {self.offerings} offerings, "
            f"{self.merchants} merchants, {self.accounts_created} new accounts "
            f"in {self.seconds:.1f} s"
        ]
        for title, counts in (("by vertical", self.by_vertical), ("by district", self.by_district)):
            parts = ", ".join(f"{k} {v}" for k, v in (counts or {}).items())
            lines.append(f"  {title}: {parts}")
        return "\n".join(lines)


def merchant_contact(listing: DemoListing) -> str:
    return f"{listing.external_id}@{DEMO_EMAIL_DOMAIN}"


async def seeded_listing_count() -> int:
    return await Listing.filter(external_id__startswith=EXTERNAL_ID_PREFIX).count()


async def _ensure_account(city: City, spec: DemoAccount) -> tuple[Account, bool]:
    """The account for `spec`, made if missing; True when it was made now."""
    found = await accounts.find_account(accounts.Identifier("email", spec.email))
    if found is not None:
        if spec.role not in found.roles:
            await accounts.grant_role(found, spec.role)
        return found, False
    if spec.role is Role.OPERATOR:
        return await accounts.create_operator(spec.email, spec.password, spec.display_name), True
    account = await accounts.sign_up(
        spec.email,
        spec.password,
        spec.display_name,
        city.default_locale,
        roles=frozenset({spec.role}),
    )
    return account, True


async def _merchants(catalog: Sequence[DemoListing], owners: Sequence[Account]) -> dict[str, int]:
    """Create one approved merchant per listing; returns merchant id by external id."""
    await Merchant.bulk_create(
        [
            Merchant(
                name=listing.name,
                status=MerchantStatus.APPROVED,
                owner_id=owners[i % len(owners)].id,
                contact_email=merchant_contact(listing),
            )
            for i, listing in enumerate(catalog)
        ],
        batch_size=BATCH_SIZE,
    )
    rows = await Merchant.filter(
        contact_email__startswith=EXTERNAL_ID_PREFIX,
        contact_email__endswith=f"@{DEMO_EMAIL_DOMAIN}",
    ).values_list("contact_email", "id")
    by_contact = {str(contact): int(pk) for contact, pk in rows}
    merchant_ids = {item.external_id: by_contact[merchant_contact(item)] for item in catalog}
    # the owner is also staff, so screens that list a person's merchants find them either way
    await MerchantStaff.bulk_create(
        [
            MerchantStaff(
                merchant_id=merchant_ids[listing.external_id],
                account_id=owners[i % len(owners)].id,
            )
            for i, listing in enumerate(catalog)
        ],
        batch_size=BATCH_SIZE,
    )
    return merchant_ids


async def _listings(
    catalog: Sequence[DemoListing],
    merchant_ids: dict[str, int],
    availability: dict[tuple[str, int], Settings | None],
) -> int:
    """Insert the listings and their offerings; returns the number of offerings."""
    await Listing.bulk_create(
        [
            Listing(
                merchant_id=merchant_ids[item.external_id],
                external_id=item.external_id,
                vertical=item.vertical,
                category=item.category,
                name=item.name,
                description=item.description,
                address=item.address,
                location=item.point.to_point(),
                service_area=item.service_area,
                district=item.district,
                weekly_hours=item.weekly_hours,
                attributes=item.attributes,
                tags=item.tags,
                status=ListingStatus.PUBLISHED,
                rating_avg=item.rating_avg,
                rating_count=item.rating_count,
                reservations=table_reservations(item),
            )
            for item in catalog
        ],
        batch_size=BATCH_SIZE,
    )
    rows = await Listing.filter(external_id__startswith=EXTERNAL_ID_PREFIX).values_list(
        "external_id", "id"
    )
    listing_ids = {str(external_id): int(pk) for external_id, pk in rows}
    offerings = [
        Offering(
            listing_id=listing_ids[item.external_id],
            kind=offering.kind,
            name=offering.name,
            description={},
            price=offering.price,
            duration_min=offering.duration_min,
            stock=offering.stock,
            attributes=offering.attributes,
            availability=availability[(item.external_id, position)],
            sort_order=position,
        )
        for item in catalog
        for position, offering in enumerate(item.offerings)
    ]
    await Offering.bulk_create(offerings, batch_size=BATCH_SIZE)
    # bulk inserts bypass the catalogue's verbs, so the index is told here, in the same transaction
    await index_outbox.enqueue(listing_ids.values())
    return len(offerings)


async def seed_demo(
    city: City, *, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED, today: date | None = None
) -> SeedReport:
    """Fill an empty city with the demo catalogue; on a seeded one, change nothing. `today` (the
    city's local date by default) places the demo's one dated class on the next Saturday."""
    started = time.perf_counter()
    existing = await seeded_listing_count()
    if existing:
        return SeedReport(existing, already_seeded=True, seconds=time.perf_counter() - started)
    # computed before the transaction opens, so no lock is held while shapes are clipped
    catalog = generate_catalog(city, count, seed)
    today = today or clock.now().astimezone(ZoneInfo(city.timezone)).date()
    availability = catalogue_availability(catalog, today)
    async with in_transaction():
        made = [await _ensure_account(city, spec) for spec in DEMO_ACCOUNTS]
        owners = [
            account
            for (account, _), spec in zip(made, DEMO_ACCOUNTS, strict=True)
            if spec in MERCHANT_OWNERS
        ]
        merchant_ids = await _merchants(catalog, owners)
        offerings = await _listings(catalog, merchant_ids, availability)
    verticals = Counter(item.vertical for item in catalog)
    districts = Counter(item.district for item in catalog)
    return SeedReport(
        listings=len(catalog),
        offerings=offerings,
        merchants=len(merchant_ids),
        accounts_created=sum(created for _, created in made),
        by_vertical={v.value: verticals[v] for v in Vertical},
        by_district={d.slug: districts[d.slug] for d in city.area.districts},
        seconds=time.perf_counter() - started,
    )

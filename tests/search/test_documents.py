"""Listing documents are built from the database as the index needs them."""

from __future__ import annotations

from listings import catalogue
from listings.models import Listing
from marketplace.city import City
from marketplace.demo.seed import seed_demo
from search.documents import documents_for
from search.text import index_tokens
from tests.support.factories import make_merchant


async def test_published_listings_become_documents_and_others_are_deleted(
    db: str, city: City
) -> None:
    await seed_demo(city, count=40)
    merchant = await make_merchant()
    draft = await catalogue.create_listing(
        city,
        await merchant.owner,
        merchant,
        vertical="shop",
        category="fruit",
        name={"zh-CN": "草稿水果店", "en": "Draft fruit"},
        lat=31.78,
        lng=119.96,
    )
    ids = [*await Listing.filter(external_id__startswith="demo-").values_list("id", flat=True)]
    documents, deleted = await documents_for(city, [*ids, draft.id, 999_999])
    assert len(documents) == 40 and deleted == [draft.id, 999_999]
    for doc in documents:
        listing = await Listing.get(id=doc.id)
        assert (doc.lat, doc.lng) == (listing.location.y, listing.location.x)
        assert doc.category_name == dict(city.category(doc.vertical, doc.category).name)
        assert doc.price_from is not None and doc.price_to is not None
        assert doc.price_to >= doc.price_from or doc.vertical == "restaurant"
        assert doc.open_minutes and all(0 <= a < b <= 7 * 1440 + 1440 for a, b in doc.open_minutes)
        tokens = {t for text in doc.searchable_texts() for t in index_tokens(text)}
        assert set(index_tokens(doc.name["zh-CN"])) <= tokens
    with_area = [d for d in documents if d.vertical == "housekeeping"]
    assert with_area and all(d.service_area is not None for d in with_area)

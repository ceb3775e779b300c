"""Photo upload and delete over the JSON API, and stored files under /media."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from geo.coords import LatLng
from listings.models import Listing, MerchantStaff, Offering
from listings.photos.models import Photo
from listings.types import OfferingKind
from marketplace.accounts import Role
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from tests.listings.test_photos_processing import camera_jpeg, gif, jpeg
from tests.support.factories import make_listing, make_merchant
from tests.web.conftest import PASSWORD, api_login, client_for

AT = LatLng(31.7787, 119.9541)
STAFF_EMAIL = "chef@example.com"


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def app(make_app: Callable[..., Starlette], media_dir: Path) -> Starlette:
    return make_app(media_dir=media_dir)


async def signed_up(email: str, *roles: Role) -> Account:
    account = await accounts.sign_up(email, PASSWORD, email.split("@")[0], "zh-CN")
    for role in roles:
        await accounts.grant_role(account, role)
    return account


@pytest.fixture
async def listing(db: str) -> Listing:
    """A listing whose merchant has a staff member (not its owner) signing in as STAFF_EMAIL."""
    merchant = await make_merchant()
    staff = await signed_up(STAFF_EMAIL, Role.MERCHANT_STAFF)
    await MerchantStaff.create(merchant=merchant, account=staff)
    return await make_listing(AT, merchant)


@asynccontextmanager
async def signed_in(
    app: Starlette, email: str
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """A client signed in as `email`, and the CSRF header its unsafe requests need."""
    async with client_for(app) as client:
        response = await api_login(client, email)
        assert response.status_code == 200, response.text
        yield client, {"X-CSRF-Token": response.json()["csrf_token"]}


async def upload(
    client: httpx.AsyncClient,
    listing_id: int,
    data: bytes,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/listings/{listing_id}/photos",
        files={"file": ("photo.jpg", data, "image/jpeg")},
        data=fields,
        headers=headers or {},
    )


async def test_staff_upload_a_photo_and_everyone_can_fetch_it(
    app: Starlette, listing: Listing, media_dir: Path
) -> None:
    async with signed_in(app, STAFF_EMAIL) as (client, csrf):
        response = await upload(client, listing.id, camera_jpeg(), csrf, caption='{"en": "Door"}')
    assert response.status_code == 201, response.text
    photo = response.json()["photo"]
    assert photo["listing_id"] == listing.id
    assert (photo["width"], photo["height"]) == (300, 400)
    assert photo["caption"] == {"en": "Door"}
    assert set(photo["urls"]) == {"original", "960", "320"}
    assert len(stored_files(media_dir)) == 3

    async with client_for(app) as anyone:
        for url in photo["urls"].values():
            assert url.startswith("/media/photos/")
            fetched = await anyone.get(url)
            assert fetched.status_code == 200
            assert fetched.headers["content-type"] == "image/jpeg"
            assert fetched.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert fetched.headers["x-content-type-options"] == "nosniff"
            assert fetched.content[:3] == b"\xff\xd8\xff"
            etag = fetched.headers["etag"]
            again = await anyone.get(url, headers={"If-None-Match": etag})
            assert again.status_code == 304
            assert again.content == b""
            assert again.headers["etag"] == etag
            assert again.headers["cache-control"] == fetched.headers["cache-control"]
            other = await anyone.get(url, headers={"If-None-Match": '"something-else"'})
            assert other.status_code == 200


async def test_the_owner_uploads_a_dish_photo(app: Starlette, db: str) -> None:
    boss = await signed_up("boss@example.com", Role.MERCHANT_STAFF)
    listing = await make_listing(AT, await make_merchant(owner=boss))
    dish = await Offering.create(listing=listing, kind=OfferingKind.DISH, name={}, price=1800)
    other = await Offering.create(
        listing=await make_listing(AT), kind=OfferingKind.DISH, name={}, price=900
    )
    async with signed_in(app, "boss@example.com") as (client, csrf):
        response = await upload(client, listing.id, jpeg(), csrf, offering_id=str(dish.id))
        wrong = await upload(client, listing.id, jpeg(400, 400), csrf, offering_id=str(other.id))
    assert response.status_code == 201, response.text
    assert response.json()["photo"]["offering_id"] == dish.id
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "offering_id"


async def test_another_merchants_staff_may_not_upload(
    app: Starlette, listing: Listing, media_dir: Path
) -> None:
    other_staff = await signed_up("rival@example.com", Role.MERCHANT_STAFF)
    await MerchantStaff.create(merchant=await make_merchant(), account=other_staff)
    async with signed_in(app, "rival@example.com") as (client, csrf):
        response = await upload(client, listing.id, jpeg(), csrf)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert stored_files(media_dir) == [] and await Photo.all().count() == 0


async def test_anonymous_callers_must_sign_in(
    client: httpx.AsyncClient, listing: Listing, media_dir: Path
) -> None:
    response = await upload(client, listing.id, jpeg())
    assert response.status_code == 401
    assert stored_files(media_dir) == []


async def test_residents_may_not_upload(app: Starlette, listing: Listing, media_dir: Path) -> None:
    await signed_up("mei@example.com")
    async with signed_in(app, "mei@example.com") as (client, csrf):
        response = await upload(client, listing.id, jpeg(), csrf)
    assert response.status_code == 403
    assert stored_files(media_dir) == []


async def test_a_signed_in_upload_needs_the_csrf_header(
    app: Starlette, listing: Listing, media_dir: Path
) -> None:
    async with signed_in(app, STAFF_EMAIL) as (client, _):
        response = await upload(client, listing.id, jpeg())
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert stored_files(media_dir) == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (gif(), "not a JPEG, PNG or WebP image"),
        (b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), "larger than 10 MB"),
        (jpeg(50, 50), "too small"),
    ],
    ids=["gif", "11 MB", "50x50"],
)
async def test_refused_files_are_reported_on_the_file_field(
    app: Starlette, listing: Listing, media_dir: Path, data: bytes, reason: str
) -> None:
    async with signed_in(app, STAFF_EMAIL) as (client, csrf):
        response = await upload(client, listing.id, data, csrf)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "file" and reason in error["reason"]
    assert stored_files(media_dir) == [] and await Photo.all().count() == 0


async def test_an_upload_without_a_file_names_the_field(app: Starlette, listing: Listing) -> None:
    async with signed_in(app, STAFF_EMAIL) as (client, csrf):
        response = await client.post(
            f"/api/v1/listings/{listing.id}/photos", data={"caption": "{}"}, headers=csrf
        )
        missing = await upload(client, 999_999, jpeg(), csrf)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert missing.status_code == 404


async def test_deleting_a_photo_removes_its_files(
    app: Starlette, listing: Listing, media_dir: Path
) -> None:
    async with signed_in(app, STAFF_EMAIL) as (client, csrf):
        photo = (await upload(client, listing.id, jpeg(), csrf)).json()["photo"]
        await signed_up("rival@example.com", Role.MERCHANT_STAFF)
        async with signed_in(app, "rival@example.com") as (rival, rival_csrf):
            refused = await rival.delete(f"/api/v1/photos/{photo['id']}", headers=rival_csrf)
        assert refused.status_code == 403
        assert (await client.get(photo["urls"]["320"])).status_code == 200

        deleted = await client.delete(f"/api/v1/photos/{photo['id']}", headers=csrf)
        assert deleted.status_code == 204
        assert (await client.get(photo["urls"]["320"])).status_code == 404
        again = await client.delete(f"/api/v1/photos/{photo['id']}", headers=csrf)
        assert again.status_code == 404
    assert stored_files(media_dir) == []


SECRET = b"\xff\xd8\xff TOP-SECRET-BYTES"


@pytest.fixture
def secret_next_to_media(media_dir: Path) -> None:
    """A file one level above the media directory, where a `..` in a key would reach."""
    (media_dir / "photos").mkdir(parents=True)
    (media_dir.parent / "secret.jpg").write_bytes(SECRET)


@pytest.mark.parametrize(
    "path",
    [
        "/media/photos/%2e%2e/%2e%2e/secret.jpg",
        "/media/%2e%2e/secret.jpg",
        "/media/photos/..%2f..%2fsecret.jpg",
        "/media/%2fetc%2fpasswd",
        "/media/photos/missing.jpg",
    ],
)
@pytest.mark.usefixtures("secret_next_to_media")
async def test_media_never_serves_a_file_outside_its_directory(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert b"TOP-SECRET-BYTES" not in response.content

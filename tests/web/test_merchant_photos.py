"""商家中心 photos: upload through the page, see them on the public listing page, delete, move,
and refusals in the reader's language next to the file field."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette

from listings.models import Listing
from listings.photos.models import Photo
from marketplace.accounts.models import Account
from marketplace.city import City
from tests.web.merchant_helpers import (
    account,
    approved_merchant,
    form_token,
    signed_in,
    visible_text,
)
from tests.web.test_merchant_pages import HOUSEKEEPING_FORM


def photo(colour: tuple[int, int, int], size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def app(make_app: Callable[..., Starlette], tmp_path: Path) -> Starlette:
    return make_app(media_dir=tmp_path / "media")


async def new_listing(client: httpx.AsyncClient, city: City, owner: Account, ops: Account) -> int:
    merchant = await approved_merchant(city, owner, ops)
    await signed_in(client, owner)
    path = f"/merchant/{merchant.id}/listings/new?vertical=housekeeping"
    token = await form_token(client, path)
    created = await client.post(path, data={**HOUSEKEEPING_FORM, "csrf_token": token})
    assert created.status_code == 303, visible_text(created.text)
    return (await Listing.get(merchant_id=merchant.id)).id


async def upload(
    client: httpx.AsyncClient, listing_id: int, token: str, data: bytes, name: str, kind: str
) -> httpx.Response:
    return await client.post(
        f"/merchant/listings/{listing_id}/photos",
        data={"csrf_token": token},
        files={"file": (name, data, kind)},
    )


async def test_upload_shows_the_photo_here_and_on_the_public_page(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    listing_id = await new_listing(client, city, resident, operator)
    path = f"/merchant/listings/{listing_id}/photos"
    page = await client.get(path)
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "添加照片" in text and "还没有照片" in text
    assert 'accept="image/jpeg,image/png,image/webp"' in page.text and "capture" in page.text
    assert 'enctype="multipart/form-data"' in page.text

    edit = await client.get(f"/merchant/listings/{listing_id}")
    assert f'href="{path}"' in edit.text and "照片" in visible_text(edit.text)
    board = await client.get(f"/merchant/{(await Listing.get(id=listing_id)).merchant_id}")
    assert f'href="{path}"' in board.text

    token = await form_token(client, path)
    sent = await upload(client, listing_id, token, photo((200, 40, 40)), "shop.jpg", "image/jpeg")
    assert sent.status_code == 303 and sent.headers["location"] == path + "?uploaded=1"
    stored = await Photo.get(listing_id=listing_id)
    page = await client.get(sent.headers["location"])
    assert "照片已添加" in visible_text(page.text) and "封面" in visible_text(page.text)
    thumb = f"/media/{stored.small_key}"
    assert f'src="{thumb}"' in page.text
    image = await client.get(thumb)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).width <= 320

    published = await client.post(
        f"/merchant/listings/{listing_id}/publish", data={"csrf_token": token}
    )
    assert published.status_code == 303
    client.cookies.clear()
    public = await client.get(f"/listings/{listing_id}")
    assert public.status_code == 200
    assert f"/media/{stored.large_key}" in public.text
    assert 'data-testid="cover-placeholder"' not in public.text


async def test_refusals_are_in_chinese_under_the_file_field(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    listing_id = await new_listing(client, city, resident, operator)
    path = f"/merchant/listings/{listing_id}/photos"
    token = await form_token(client, path)
    for data, name, kind, reason in (
        (b"not a picture at all\n", "notes.txt", "text/plain", "不是照片"),
        (photo((0, 0, 200), (120, 90)), "tiny.jpg", "image/jpeg", "照片太小"),
        (b"", "", "application/octet-stream", "必填"),
    ):
        refused = await upload(client, listing_id, token, data, name, kind)
        assert refused.status_code == 422, name
        assert 'id="e-f-file"' in refused.text
        error = refused.text.split('id="e-f-file">', 1)[1].split("</p>", 1)[0]
        assert reason in error, (name, error)
        assert "JPEG, PNG" not in error and "Please check" not in error
    assert await Photo.filter(listing_id=listing_id).count() == 0


async def test_a_photo_larger_than_the_limit_is_refused(
    make_app: Callable[..., Starlette],
    tmp_path: Path,
    city: City,
    resident: Account,
    operator: Account,
) -> None:
    app = make_app(media_dir=tmp_path / "media", photo_max_bytes=1024 * 1024)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        listing_id = await new_listing(client, city, resident, operator)
        token = await form_token(client, f"/merchant/listings/{listing_id}/photos")
        big = photo((10, 10, 10)) + b"\0" * (1024 * 1024)
        refused = await upload(client, listing_id, token, big, "big.jpg", "image/jpeg")
    assert refused.status_code == 422
    assert "照片超过 1 MB" in visible_text(refused.text)
    assert await Photo.filter(listing_id=listing_id).count() == 0


async def test_another_merchants_staff_cannot_see_or_change_the_photos(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    listing_id = await new_listing(client, city, resident, operator)
    path = f"/merchant/listings/{listing_id}/photos"
    token = await form_token(client, path)
    await upload(client, listing_id, token, photo((1, 120, 1)), "a.jpg", "image/jpeg")
    kept = await Photo.get(listing_id=listing_id)

    other_owner = await account("other@example.com", "老李")
    await approved_merchant(city, other_owner, operator, name={"zh-CN": "老李家政"})
    await signed_in(client, other_owner)
    token = await form_token(client, "/merchant/apply")
    assert (await client.get(path)).status_code == 403
    sent = await upload(client, listing_id, token, photo((9, 9, 9)), "b.jpg", "image/jpeg")
    assert sent.status_code == 403
    gone = await client.post(f"{path}/{kept.id}/delete", data={"csrf_token": token})
    assert gone.status_code == 403
    moved = await client.post(
        f"{path}/{kept.id}/move", data={"csrf_token": token, "direction": "down"}
    )
    assert moved.status_code == 403
    assert [p.id for p in await Photo.filter(listing_id=listing_id)] == [kept.id]


async def test_move_changes_the_order_and_delete_removes_one(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    listing_id = await new_listing(client, city, resident, operator)
    path = f"/merchant/listings/{listing_id}/photos"
    token = await form_token(client, path)
    for colour in ((250, 0, 0), (0, 250, 0), (0, 0, 250)):
        sent = await upload(client, listing_id, token, photo(colour), "p.jpg", "image/jpeg")
        assert sent.status_code == 303

    async def order() -> list[int]:
        rows = await Photo.filter(listing_id=listing_id).order_by("sort_order", "id")
        return [p.id for p in rows]

    first, second, third = await order()
    moved = await client.post(f"{path}/{third}/move", data={"csrf_token": token, "direction": "up"})
    assert moved.status_code == 303 and moved.headers["location"] == path
    assert await order() == [first, third, second]
    await client.post(f"{path}/{first}/move", data={"csrf_token": token, "direction": "down"})
    assert await order() == [third, first, second]
    # the first cannot go earlier, nor the last later: nothing changes
    await client.post(f"{path}/{third}/move", data={"csrf_token": token, "direction": "up"})
    await client.post(f"{path}/{second}/move", data={"csrf_token": token, "direction": "down"})
    assert await order() == [third, first, second]
    page = (await client.get(path)).text
    assert (
        page.index(f"photo-{third}") < page.index(f"photo-{first}") < page.index(f"photo-{second}")
    )

    deleted = await client.post(f"{path}/{first}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert await order() == [third, second]
    assert (
        await client.post(f"{path}/{first}/delete", data={"csrf_token": token})
    ).status_code == 404

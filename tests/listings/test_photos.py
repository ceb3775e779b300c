"""The photo service on both databases: rows and files appear together or not at all."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from geo.coords import LatLng
from listings.errors import ListingNotFound
from listings.models import Listing, MerchantStaff, Offering
from listings.photos import Size, storage_key
from listings.photos import services as photos
from listings.photos.errors import ImageRejected
from listings.photos.models import Photo
from listings.photos.storage import InvalidKey, LocalDirectoryStorage
from listings.types import OfferingKind
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import Account
from marketplace.errors import PermissionDenied, ValidationFailed
from tests.listings.test_photos_processing import REFUSED, camera_jpeg, jpeg, png_with_alpha, webp
from tests.support.factories import make_account, make_listing, make_merchant

AT = LatLng(31.7787, 119.9541)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def storage(tmp_path: Path) -> LocalDirectoryStorage:
    return LocalDirectoryStorage(tmp_path / "media")


@pytest.fixture
async def owner(db: str) -> Account:
    return await make_account()


@pytest.fixture
async def listing(owner: Account) -> Listing:
    return await make_listing(AT, await make_merchant(owner=owner))


async def test_a_photo_is_stored_in_three_sizes_and_recorded(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    photo = await photos.add_photo(
        listing, owner, camera_jpeg(), "IMG_0001.JPG", storage=storage, caption={"en": " Front "}
    )

    original = await storage.get(photo.original_key)
    assert photo.sha256 == hashlib.sha256(original).hexdigest()
    assert photo.byte_size == len(original)
    assert (photo.width, photo.height) == (300, 400)
    assert photo.content_type == "image/jpeg"
    assert photo.caption == {"en": "Front"}
    assert photo.created_by_id == owner.id  # type: ignore[attr-defined]
    assert photo.original_key == storage_key(photo.sha256, Size.ORIGINAL)
    keys = photos.photo_keys(photo)
    assert len(stored_files(storage.root)) == len(set(keys.values())) == 3
    assert [p.id for p in await photos.list_photos(listing)] == [photo.id]


async def test_a_staff_member_adds_photos_in_order(
    listing: Listing, storage: LocalDirectoryStorage
) -> None:
    staff = await make_account()
    await MerchantStaff.create(merchant_id=listing.merchant_id, account=staff)  # type: ignore[attr-defined]
    first = await photos.add_photo(listing, staff, jpeg(), None, storage=storage)
    second = await photos.add_photo(listing, staff, png_with_alpha(), "logo.png", storage=storage)
    third = await photos.add_photo(listing, staff, webp(), "shop.webp", storage=storage)
    assert [p.sort_order for p in (first, second, third)] == [0, 1, 2]
    assert len(stored_files(storage.root)) == 9


@pytest.mark.parametrize("name", REFUSED)
async def test_refused_files_leave_no_row_and_no_file(
    name: str, listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    data, reason = REFUSED[name]
    # The name says JPEG for every one of them: only the bytes count.
    with pytest.raises(ImageRejected) as refused:
        await photos.add_photo(listing, owner, data, "photo.jpg", storage=storage)
    assert [e.field for e in refused.value.errors] == ["file"]
    assert reason in refused.value.errors[0].reason
    assert await Photo.all().count() == 0
    assert stored_files(storage.root) == []


async def test_the_same_image_twice_on_a_listing_is_stored_once(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    first = await photos.add_photo(listing, owner, camera_jpeg(), "a.jpg", storage=storage)
    again = await photos.add_photo(listing, owner, camera_jpeg(), "b.jpg", storage=storage)
    assert again.id == first.id
    assert await Photo.filter(listing=listing).count() == 1
    assert len(stored_files(storage.root)) == 3


async def test_the_same_image_uploaded_twice_at_once_is_one_photo(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    data = camera_jpeg()
    results = await asyncio.gather(
        *(photos.add_photo(listing, owner, data, None, storage=storage) for _ in range(3))
    )
    assert len({p.id for p in results}) == 1
    assert await Photo.filter(listing=listing).count() == 1
    assert len(stored_files(storage.root)) == 3


async def test_equal_images_on_two_listings_share_files_until_the_last_goes(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    other = await make_listing(AT, await listing.merchant)
    here = await photos.add_photo(listing, owner, jpeg(), None, storage=storage)
    there = await photos.add_photo(other, owner, jpeg(), None, storage=storage)
    assert here.id != there.id and here.original_key == there.original_key
    assert len(stored_files(storage.root)) == 3

    await photos.delete_photo(here, owner, storage=storage)
    assert len(stored_files(storage.root)) == 3  # still used by the other listing
    assert await storage.get(there.small_key)

    await photos.delete_photo(there, owner, storage=storage)
    assert stored_files(storage.root) == []
    assert await Photo.all().count() == 0


async def test_strangers_and_anonymous_callers_change_nothing(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    stranger = await make_account()
    with pytest.raises(PermissionDenied):
        await photos.add_photo(listing, stranger, jpeg(), None, storage=storage)
    with pytest.raises(LoginRequired):
        await photos.add_photo(listing, None, jpeg(), None, storage=storage)
    assert stored_files(storage.root) == []

    photo = await photos.add_photo(listing, owner, jpeg(), None, storage=storage)
    with pytest.raises(PermissionDenied):
        await photos.delete_photo(photo, stranger, storage=storage)
    with pytest.raises(PermissionDenied):
        await photos.reorder(listing, stranger, [photo.id])
    assert await Photo.filter(id=photo.id).exists()
    assert len(stored_files(storage.root)) == 3


async def test_a_dish_photo_belongs_to_an_offering_of_the_same_listing(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    dish = await Offering.create(
        listing=listing, kind=OfferingKind.DISH, name={"zh-CN": "牛肉面"}, price=1800
    )
    photo = await photos.add_photo(listing, owner, jpeg(), None, offering=dish, storage=storage)
    assert photo.offering_id == dish.id  # type: ignore[attr-defined]

    elsewhere = await make_listing(AT, await listing.merchant)
    with pytest.raises(ValidationFailed) as refused:
        await photos.add_photo(elsewhere, owner, webp(), None, offering=dish, storage=storage)
    assert [e.field for e in refused.value.errors] == ["offering_id"]
    with pytest.raises(ValidationFailed):
        await photos.get_offering(elsewhere, dish.id)
    assert len(stored_files(storage.root)) == 3


async def test_a_bad_caption_is_refused_before_anything_is_stored(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await photos.add_photo(
            listing, owner, jpeg(), None, storage=storage, caption={"en": "x" * 201}
        )
    assert [e.field for e in refused.value.errors] == ["caption.en"]
    assert stored_files(storage.root) == []


async def test_when_the_row_cannot_be_written_the_files_are_taken_back(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    await Listing.filter(id=listing.id).delete()  # gone while the upload was on its way
    with pytest.raises(ListingNotFound):
        await photos.add_photo(listing, owner, jpeg(), None, storage=storage)
    assert stored_files(storage.root) == []
    assert await Photo.all().count() == 0


class FailingStorage(LocalDirectoryStorage):
    """Fails the n-th write, like a full disk."""

    def __init__(self, root: Path, fail_at: int) -> None:
        super().__init__(root)
        self.writes = 0
        self.fail_at = fail_at

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self.writes += 1
        if self.writes == self.fail_at:
            raise OSError("No space left on device")
        await super().put(key, data, content_type)


async def test_a_failed_write_leaves_no_file_and_no_row(
    listing: Listing, owner: Account, tmp_path: Path
) -> None:
    storage = FailingStorage(tmp_path / "media", fail_at=3)
    with pytest.raises(OSError, match="No space"):
        await photos.add_photo(listing, owner, jpeg(), None, storage=storage)
    assert stored_files(storage.root) == []
    assert await Photo.all().count() == 0


COPIED_FIELDS = (
    "original_key",
    "large_key",
    "small_key",
    "sha256",
    "width",
    "height",
    "content_type",
    "byte_size",
)


class UploadDuringDelete(LocalDirectoryStorage):
    """Commits another listing's row for the same image just as the first file is deleted:
    the moment between the delete's "nobody uses these files" check and its deletes."""

    def __init__(self, root: Path, other: Listing, template: Photo) -> None:
        super().__init__(root)
        self.other, self.template = other, template

    async def delete(self, key: str) -> None:
        if not await Photo.filter(listing=self.other).exists():
            await Photo.create(
                listing=self.other,
                **{field: getattr(self.template, field) for field in COPIED_FIELDS},
            )
        await super().delete(key)


async def test_a_delete_racing_an_upload_of_the_same_image_puts_the_files_back(
    listing: Listing, owner: Account, tmp_path: Path
) -> None:
    other = await make_listing(AT, await listing.merchant)
    plain = LocalDirectoryStorage(tmp_path / "media")
    photo = await photos.add_photo(listing, owner, jpeg(), None, storage=plain)
    racing = UploadDuringDelete(plain.root, other, photo)

    await photos.delete_photo(photo, owner, storage=racing)

    survivor = await Photo.get(listing=other)
    for key in photos.photo_keys(survivor).values():
        assert await plain.stat(key) is not None, key


class DeleteDuringUpload(LocalDirectoryStorage):
    """Removes all files of the image right after they are written, before the row commits:
    what a concurrent delete of the last other photo of the same image would do."""

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await super().put(key, data, content_type)
        if key.endswith(f"{Size.SMALL.value}.jpg") and not getattr(self, "done", False):
            self.done = True
            sha256 = key.split("/")[2]
            for size in Size:
                await super().delete(storage_key(sha256, size))


async def test_an_upload_racing_a_delete_of_the_same_image_keeps_its_files(
    listing: Listing, owner: Account, tmp_path: Path
) -> None:
    storage = DeleteDuringUpload(tmp_path / "media")
    photo = await photos.add_photo(listing, owner, jpeg(), None, storage=storage)
    for key in photos.photo_keys(photo).values():
        assert await storage.stat(key) is not None, key


async def test_reorder_takes_every_photo_of_the_listing_exactly_once(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    added = [
        await photos.add_photo(listing, owner, data, None, storage=storage)
        for data in (jpeg(), webp(), png_with_alpha())
    ]
    ids = [p.id for p in added]
    reordered = await photos.reorder(listing, owner, list(reversed(ids)))
    assert [p.id for p in reordered] == list(reversed(ids))
    assert [p.id for p in await photos.list_photos(listing)] == list(reversed(ids))
    for wrong in (ids[:2], [*ids, ids[0]], [ids[0], ids[0], ids[1]], [*ids[:2], 999_999]):
        with pytest.raises(ValidationFailed) as refused:
            await photos.reorder(listing, owner, wrong)
        assert [e.field for e in refused.value.errors] == ["photo_ids"]


async def test_deleting_a_listing_deletes_its_photo_rows(
    listing: Listing, owner: Account, storage: LocalDirectoryStorage
) -> None:
    await photos.add_photo(listing, owner, jpeg(), None, storage=storage)
    await listing.delete()
    assert await Photo.all().count() == 0


@pytest.mark.parametrize(
    "key",
    ["../outside.jpg", "photos/../../outside.jpg", "/etc/passwd", "photos//a.jpg", ".tmp-x", ""],
)
async def test_storage_refuses_keys_that_leave_its_root(
    key: str, storage: LocalDirectoryStorage
) -> None:
    with pytest.raises(InvalidKey):
        await storage.put(key, b"x", "image/jpeg")
    with pytest.raises(InvalidKey):
        await storage.get(key)


async def test_storage_refuses_a_symlink_out_of_its_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(b"secret")
    storage = LocalDirectoryStorage(tmp_path / "media")
    storage.root.mkdir()
    (storage.root / "link").symlink_to(outside)
    with pytest.raises(InvalidKey):
        await storage.get("link/secret.jpg")


async def test_storage_writes_whole_files_and_cleans_up_directories(
    storage: LocalDirectoryStorage,
) -> None:
    await storage.put("photos/ab/abc/320.jpg", b"first", "image/jpeg")
    await storage.put("photos/ab/abc/320.jpg", b"second", "image/jpeg")
    assert await storage.get("photos/ab/abc/320.jpg") == b"second"
    stat = await storage.stat("photos/ab/abc/320.jpg")
    assert stat is not None and stat.size == 6 and stat.content_type == "image/jpeg"
    assert [p.name for p in stored_files(storage.root)] == ["320.jpg"]  # no temp file left
    await storage.delete("photos/ab/abc/320.jpg")
    await storage.delete("photos/ab/abc/320.jpg")  # already gone: fine
    assert await storage.stat("photos/ab/abc/320.jpg") is None
    assert list(storage.root.iterdir()) == []
    with pytest.raises(InvalidKey):
        await storage.put("photos/a.png", b"x", "image/jpeg")  # suffix and type disagree

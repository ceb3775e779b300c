"""Verbs of listing photos: add, list, reorder, delete.

Files are written before the row and removed after it, both outside any transaction. Equal
images share their files (the keys come from the content), so files are removed only when no
photo row uses them any more, and both sides re-check after acting so that an upload and a
delete of the same image racing each other never leave a row whose files are gone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from listings.errors import ListingNotFound
from listings.models import Listing, Offering
from listings.permissions import Action, require_for_listing
from listings.photos import MAX_BYTES, STORED_CONTENT_TYPE, Size, storage_key
from listings.photos.errors import PhotoNotFound
from listings.photos.models import Photo
from listings.photos.processing import ProcessedImage, process_image
from listings.photos.storage import FileMissing, Storage
from marketplace.accounts.models import Account
from marketplace.errors import ValidationFailed

log = logging.getLogger(__name__)

MAX_CAPTION_LENGTH = 200
MAX_LOCALE_LENGTH = 16


async def get_listing(listing_id: int) -> Listing:
    listing = await Listing.get_or_none(id=listing_id)
    if listing is None:
        raise ListingNotFound(f"no listing {listing_id}")
    return listing


async def get_offering(listing: Listing, offering_id: int) -> Offering:
    """An offering of `listing`; another listing's offering is refused as if it did not exist."""
    offering = await Offering.get_or_none(id=offering_id, listing_id=listing.id)
    if offering is None:
        raise ValidationFailed.on("offering_id", "is not an offering of this listing")
    return offering


async def get_photo(photo_id: int) -> Photo:
    photo = await Photo.get_or_none(id=photo_id)
    if photo is None:
        raise PhotoNotFound(f"no photo {photo_id}")
    return photo


async def list_photos(listing: Listing) -> list[Photo]:
    return await Photo.filter(listing_id=listing.id).order_by("sort_order", "id")


def clean_caption(caption: Mapping[str, object] | None) -> dict[str, str]:
    """A caption per locale, trimmed; blank entries are dropped."""
    if caption is None:
        return {}
    if not isinstance(caption, Mapping):
        raise ValidationFailed.on("caption", "must map locales to text")
    cleaned: dict[str, str] = {}
    for locale, text in caption.items():
        if not isinstance(locale, str) or not 0 < len(locale) <= MAX_LOCALE_LENGTH:
            raise ValidationFailed.on("caption", "must map locales to text")
        if not isinstance(text, str):
            raise ValidationFailed.on(f"caption.{locale}", "must be text")
        text = text.strip()
        if len(text) > MAX_CAPTION_LENGTH:
            raise ValidationFailed.on(
                f"caption.{locale}", f"must be at most {MAX_CAPTION_LENGTH} characters"
            )
        if text:
            cleaned[locale] = text
    return cleaned


async def add_photo(
    listing: Listing,
    actor: Account | None,
    data: bytes,
    filename: str | None,
    *,
    offering: Offering | None = None,
    storage: Storage,
    caption: Mapping[str, object] | None = None,
    max_bytes: int = MAX_BYTES,
) -> Photo:
    """Add an uploaded image to `listing`, last in its order.

    The image the listing already has comes back as it is (nothing is stored twice). Refusals
    are ImageRejected on the field `file`, and leave neither a row nor a file behind.
    `filename` is only for the log: what a file is gets decided by its bytes.
    """
    await require_for_listing(actor, Action.EDIT, listing)
    if offering is not None and offering.listing_id != listing.id:  # type: ignore[attr-defined]
        raise ValidationFailed.on("offering_id", "is not an offering of this listing")
    cleaned_caption = clean_caption(caption)
    # Decoding and encoding take a while on big photos: off the event loop.
    processed = await asyncio.to_thread(process_image, data, max_bytes=max_bytes)

    existing = await Photo.get_or_none(listing_id=listing.id, sha256=processed.sha256)
    if existing is not None:
        return existing
    await _store(storage, processed)
    try:
        async with in_transaction():
            last = await Photo.filter(listing_id=listing.id).order_by("-sort_order").first()
            photo = await Photo.create(
                listing_id=listing.id,
                offering_id=offering.id if offering is not None else None,
                original_key=storage_key(processed.sha256, Size.ORIGINAL),
                large_key=storage_key(processed.sha256, Size.LARGE),
                small_key=storage_key(processed.sha256, Size.SMALL),
                width=processed.original.width,
                height=processed.original.height,
                content_type=STORED_CONTENT_TYPE,
                byte_size=len(processed.original.data),
                sha256=processed.sha256,
                caption=cleaned_caption,
                sort_order=last.sort_order + 1 if last is not None else 0,
                created_by_id=actor.id if actor is not None else None,
            )
    except IntegrityError:
        # Most likely the same image uploaded twice at once: the other upload's row is ours.
        winner = await Photo.get_or_none(listing_id=listing.id, sha256=processed.sha256)
        if winner is not None:
            return winner
        await _release(storage, processed.sha256, _files_of(processed))
        if not await Listing.exists(id=listing.id):
            raise ListingNotFound(f"no listing {listing.id}") from None
        raise
    except BaseException:
        await _release(storage, processed.sha256, _files_of(processed))
        raise
    # A delete of the last other photo of this image may have removed the files between our
    # write and our commit: put back whatever is missing.
    await _store(storage, processed, only_missing=True)
    log.info("photo %s added to listing %s from %r", photo.id, listing.id, filename)
    return photo


async def delete_photo(photo: Photo, actor: Account | None, *, storage: Storage) -> None:
    listing = await get_listing(photo.listing_id)  # type: ignore[attr-defined]
    await require_for_listing(actor, Action.EDIT, listing)
    async with in_transaction():
        await Photo.filter(id=photo.id).delete()
    await _release(storage, photo.sha256, None)


async def reorder(listing: Listing, actor: Account | None, photo_ids: Sequence[int]) -> list[Photo]:
    """Put the listing's photos in the order of `photo_ids`, which must name each exactly once."""
    await require_for_listing(actor, Action.EDIT, listing)
    async with in_transaction():
        current = await Photo.filter(listing_id=listing.id).select_for_update()
        if sorted(photo_ids) != sorted(p.id for p in current):
            raise ValidationFailed.on("photo_ids", "must name each photo of this listing once")
        position = {photo_id: index for index, photo_id in enumerate(photo_ids)}
        for photo in current:
            if photo.sort_order != position[photo.id]:
                photo.sort_order = position[photo.id]
                await photo.save(update_fields=["sort_order"])
    return await list_photos(listing)


def photo_keys(photo: Photo) -> dict[Size, str]:
    return {
        Size.ORIGINAL: photo.original_key,
        Size.LARGE: photo.large_key,
        Size.SMALL: photo.small_key,
    }


def _files_of(processed: ProcessedImage) -> dict[str, bytes]:
    return {
        storage_key(processed.sha256, size): rendition.data
        for size, rendition in processed.renditions.items()
    }


async def _store(
    storage: Storage, processed: ProcessedImage, *, only_missing: bool = False
) -> None:
    files = _files_of(processed)
    try:
        for key, data in files.items():
            if only_missing and await storage.stat(key) is not None:
                continue
            await storage.put(key, data, STORED_CONTENT_TYPE)
    except BaseException:
        if not only_missing:
            # Some renditions may be written: take them back unless a row already uses them.
            await _release(storage, processed.sha256, files)
        raise


async def _release(storage: Storage, sha256: str, files: dict[str, bytes] | None) -> None:
    """Delete the files of `sha256` unless a photo row still uses them.

    A concurrent upload of the same image may commit its row after our check and before our
    deletes (its own re-check may have run before them too), so we check again afterwards and
    put the files back if a row appeared. `files` are their bytes when the caller has them.
    """
    if await Photo.exists(sha256=sha256):
        return
    keys = [storage_key(sha256, size) for size in Size]
    if files is None:
        files = {}
        for key in keys:
            try:
                files[key] = await storage.get(key)
            except FileMissing:
                continue
    for key in keys:
        await storage.delete(key)
    if await Photo.exists(sha256=sha256):
        for key, data in files.items():
            await storage.put(key, data, STORED_CONTENT_TYPE)

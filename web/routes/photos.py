"""Listing photos over HTTP: upload and delete in the JSON API, stored files under /media."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from listings.permissions import Action, require_for_listing
from listings.photos import services as photos
from listings.photos.models import Photo
from listings.photos.storage import FileMissing, InvalidKey, LocalDirectoryStorage, Storage
from marketplace.errors import NotFound, ValidationFailed
from marketplace.input_bounds import id_number
from web.auth import require_account
from web.openapi import Operation, api_route
from web.validation import refuse_unstorable_text

PREFIX = "/api/v1"
# Keys carry the content's hash, so what a URL names never changes: browsers and proxies may
# keep it for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
# Room for the caption and offering fields next to the file, and nothing more.
MAX_FORM_FIELDS = 8


def photo_storage(request: Request) -> Storage:
    """The app's photo storage, made once from the settings."""
    state = request.app.state
    storage: Storage | None = getattr(state, "photo_storage", None)
    if storage is None:
        storage = LocalDirectoryStorage(state.settings.media_dir)
        state.photo_storage = storage
    return storage


def media_url(request: Request, key: str) -> str:
    return str(request.app.url_path_for("media", key=key))


class PhotoUploadIn(BaseModel):
    """The multipart form of an upload (documentation only: the route reads the form itself)."""

    file: bytes = Field(description="a JPEG, PNG or WebP image, at most 10 MB")
    caption: str | None = Field(
        default=None, description='a JSON object of text per locale, e.g. {"zh-CN": "招牌面"}'
    )
    offering_id: int | None = Field(default=None, description="a dish or product of the listing")


class PhotoOut(BaseModel):
    id: int
    listing_id: int
    offering_id: int | None
    width: int = Field(description="of the original rendition")
    height: int
    content_type: str
    byte_size: int
    caption: dict[str, str]
    sort_order: int
    urls: dict[str, str] = Field(
        description='"original" (longest side at most 2048 px), "960" and "320": JPEG, '
        "cached for good"
    )
    created_at: str | None


class PhotoCreatedOut(BaseModel):
    photo: PhotoOut


def photo_json(request: Request, photo: Photo) -> dict[str, Any]:
    return PhotoOut(
        id=photo.id,
        listing_id=photo.listing_id,  # type: ignore[attr-defined]
        offering_id=photo.offering_id,  # type: ignore[attr-defined]
        width=photo.width,
        height=photo.height,
        content_type=photo.content_type,
        byte_size=photo.byte_size,
        caption=photo.caption,
        sort_order=photo.sort_order,
        urls={
            size.value: media_url(request, key) for size, key in photos.photo_keys(photo).items()
        },
        created_at=photo.created_at.isoformat() if photo.created_at else None,
    ).model_dump()


def _caption(raw: object) -> dict[str, object] | None:
    if raw is None or raw == "":
        return None
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise ValidationFailed.on("caption", 'must be a JSON object such as {"zh-CN": "招牌面"}')
    refuse_unstorable_text(value, name=lambda where: ".".join(map(str, ("caption", *where))))
    return value


def _offering_id(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ValidationFailed.on("offering_id", "must be a whole number")
    return id_number(raw, "offering_id")


async def upload_photo(request: Request) -> Response:
    """Multipart: `file` (required), `caption` (a JSON object per locale), `offering_id`."""
    account = await require_account(request)
    listing = await photos.get_listing(request.path_params["listing_id"])
    # Checked before the upload is parsed, so a stranger's 10 MB go nowhere. The service
    # checks again: it owns the rule.
    await require_for_listing(account, Action.EDIT, listing)
    max_bytes: int = request.app.state.settings.photo_max_bytes
    async with request.form(max_files=1, max_fields=MAX_FORM_FIELDS) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValidationFailed.on("file", "is required")
        # One byte past the limit is enough to know it is over: the rest is never read.
        data = await upload.read(max_bytes + 1)
        filename = upload.filename
        caption = _caption(form.get("caption"))
        offering_id = _offering_id(form.get("offering_id"))
    offering = await photos.get_offering(listing, offering_id) if offering_id else None
    photo = await photos.add_photo(
        listing,
        account,
        data,
        filename,
        offering=offering,
        storage=photo_storage(request),
        caption=caption,
        max_bytes=max_bytes,
    )
    return JSONResponse({"photo": photo_json(request, photo)}, status_code=201)


async def delete_photo(request: Request) -> Response:
    account = await require_account(request)
    photo = await photos.get_photo(request.path_params["photo_id"])
    await photos.delete_photo(photo, account, storage=photo_storage(request))
    return Response(status_code=204)


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # If-None-Match compares weakly: W/"x" matches "x".
    candidates = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in candidates


async def media(request: Request) -> Response:
    key: str = request.path_params["key"]
    storage = photo_storage(request)
    try:
        stored = await storage.stat(key)
        if stored is None:
            raise FileMissing(key)
        headers = {
            "Cache-Control": IMMUTABLE,
            "ETag": stored.etag,
            "X-Content-Type-Options": "nosniff",
        }
        if _etag_matches(request.headers.get("if-none-match"), stored.etag):
            return Response(status_code=304, headers=headers)
        data = await storage.get(key)
    except (InvalidKey, FileMissing):
        # A key that tries to leave the storage gets the same answer as a missing file.
        raise NotFound("no such file") from None
    return Response(data, media_type=stored.content_type, headers=headers)


routes = [
    api_route(
        Operation(
            "POST",
            f"{PREFIX}/listings/{{listing_id:id32}}/photos",
            "Add a photo to a listing",
            "photos",
            body=PhotoUploadIn,
            body_media_type="multipart/form-data",
            response=PhotoCreatedOut,
            status=201,
            errors=(403, 404, 413, 422),
            signed_in=True,
            description="For the listing's merchant staff. What the file is gets decided by its "
            "bytes; it is stored re-encoded as JPEG without any metadata. The image the listing "
            "already has comes back as it is.",
        ),
        upload_photo,
        name="api_photo_upload",
    ),
    api_route(
        Operation(
            "DELETE",
            f"{PREFIX}/photos/{{photo_id:id32}}",
            "Delete a photo",
            "photos",
            status=204,
            errors=(403, 404),
            signed_in=True,
        ),
        delete_photo,
        name="api_photo",
    ),
    Route("/media/{key:path}", media, methods=["GET"], name="media"),
]

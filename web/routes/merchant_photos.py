"""商家中心: a listing's photos. Upload, delete, and move one earlier or later in the order.

The photo services decide what an image is and who may change a listing; this module only reads
the posted form and puts a refusal next to the file field in the reader's language.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo.areas import pick_name
from listings.models import Listing, Merchant
from listings.permissions import Action, require_for_listing
from listings.photos import services as photos
from marketplace.errors import MarketplaceError, NotFound, ValidationFailed
from web.auth import require_account
from web.i18n import request_locale, translator
from web.routes.merchant_errors import form_errors
from web.routes.merchant_frame import listing_chip, merchant_page, read_fields, redirect
from web.routes.merchant_listings import LISTING, listing_of
from web.routes.photos import media_url, photo_storage

PHOTOS = LISTING + "/photos"
# the file and the CSRF token, and nothing more
MAX_FORM_FIELDS = 4


async def _page(
    request: Request,
    listing: Listing,
    merchant: Merchant,
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    rows = [
        (photo, media_url(request, photo.small_key)) for photo in await photos.list_photos(listing)
    ]
    context: dict[str, Any] = {
        "listing": listing,
        "listing_name": pick_name(listing.name, request_locale(request)),
        "chip": listing_chip(listing),
        "photos": rows,
        "errors": errors,
        "uploaded": "uploaded" in request.query_params,
        "max_mb": request.app.state.settings.photo_max_bytes // (1024 * 1024),
    }
    return await merchant_page(
        request, "merchant/photos.html", merchant, context, nav="home", status_code=status_code
    )


async def photos_page(request: Request) -> Response:
    listing, merchant = await listing_of(request)
    return await _page(request, listing, merchant, {})


async def _read_upload(request: Request) -> tuple[bytes, str | None]:
    max_bytes: int = request.app.state.settings.photo_max_bytes
    async with request.form(max_files=1, max_fields=MAX_FORM_FIELDS) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed.on("file", "is required")
        # one byte past the limit tells it is too large; the rest is never read
        return await upload.read(max_bytes + 1), upload.filename


async def upload(request: Request) -> Response:
    account = await require_account(request)
    listing, merchant = await listing_of(request)
    # before the upload is parsed, so a stranger's megabytes go nowhere
    await require_for_listing(account, Action.EDIT, listing)
    try:
        data, filename = await _read_upload(request)
        await photos.add_photo(
            listing,
            account,
            data,
            filename,
            storage=photo_storage(request),
            max_bytes=request.app.state.settings.photo_max_bytes,
        )
    except ValidationFailed as exc:
        errors = form_errors(translator(request), exc, ("file",))
        return await _page(request, listing, merchant, errors, status_code=exc.status)
    return redirect(f"/merchant/listings/{listing.id}/photos?uploaded=1")


async def _photo_of(request: Request, listing: Listing) -> Any:
    photo_id: int = request.path_params["photo_id"]
    listed = await photos.list_photos(listing)
    for photo in listed:
        if photo.id == photo_id:
            return photo, listed
    raise NotFound("No such photo.")


async def delete(request: Request) -> Response:
    account = await require_account(request)
    listing, _merchant = await listing_of(request)
    await read_fields(request)
    photo, _listed = await _photo_of(request, listing)
    await photos.delete_photo(photo, account, storage=photo_storage(request))
    return redirect(f"/merchant/listings/{listing.id}/photos")


async def move(request: Request) -> Response:
    """Swap a photo with its neighbour: direction "up" is earlier, "down" later."""
    account = await require_account(request)
    listing, merchant = await listing_of(request)
    form = await read_fields(request)
    photo, listed = await _photo_of(request, listing)
    order = [p.id for p in listed]
    index = order.index(photo.id)
    step = {"up": -1, "down": 1}.get(form.get("direction", ""))
    if step is None:
        raise NotFound("No such direction.")
    other = index + step
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        try:
            await photos.reorder(listing, account, order)
        except MarketplaceError as exc:
            if not isinstance(exc, ValidationFailed):
                raise
            # a photo came or went in the meantime: the page shows the order as it now is
            errors = form_errors(translator(request), exc, ())
            return await _page(request, listing, merchant, errors, status_code=exc.status)
    return redirect(f"/merchant/listings/{listing.id}/photos")


routes = [
    Route(PHOTOS, photos_page, methods=["GET"], name="merchant_photos"),
    Route(PHOTOS, upload, methods=["POST"], name="merchant_photo_upload"),
    Route(
        PHOTOS + "/{photo_id:id32}/delete", delete, methods=["POST"], name="merchant_photo_delete"
    ),
    Route(PHOTOS + "/{photo_id:id32}/move", move, methods=["POST"], name="merchant_photo_move"),
]

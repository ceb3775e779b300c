"""Choosing "where am I" (/place, /place/pin) and a resident's saved addresses (/me/addresses),
as pages and as JSON (/api/v1/place, /api/v1/me/addresses).

HTTP in, HTTP out: `marketplace.places` checks every point against the city and keeps the
account's choice; this module writes the guest cookie and picks the page to show.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from shapely.geometry import mapping
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from marketplace.accounts.models import Account
from marketplace.errors import FieldError, MarketplaceError
from marketplace.input_bounds import ID32_MAX
from marketplace.places import MAX_ADDRESS_TEXT, MAX_LABEL, PlaceKind
from marketplace.places import services as places
from marketplace.places.errors import AddressNotFound, PlaceInvalid
from marketplace.places.models import SavedAddress
from web.auth import current_account, require_account, safe_next
from web.forms import read_form
from web.i18n import N_, request_locale, translator
from web.openapi import Operation
from web.openapi import api_route as route
from web.place import Place, forget_cached, from_chosen, place_of, remember
from web.templating import render
from web.validation import parse_json

PREFIX = "/api/v1"
TAG = "place"

# What a page says about each refused field, in the reader's language; the JSON API keeps the
# field and the English reason for programs.
_REASONS = {
    "is outside the city": N_("This place is outside %(city)s. Please choose a place in the city."),
    "is required": N_("Please fill this in."),
    "must be a number": N_("The position is not valid."),
    "is not a district of this city": N_("There is no such district in this city."),
    "is not a landmark of this city": N_("There is no such landmark in this city."),
    "another saved address has this label": N_("You already have an address with this name."),
    "not found": N_("This saved address does not exist any more."),
}
_FIELDS = {
    "lat": N_("Location"),
    "lng": N_("Location"),
    "kind": N_("Kind of place"),
    "ref": N_("Place"),
    "label": N_("Address name"),
    "address_text": N_("Address"),
    "address_id": N_("Saved address"),
}


def _messages(request: Request, exc: MarketplaceError) -> list[dict[str, str]]:
    _ = translator(request)
    city = request.app.state.city.display_name(request_locale(request))
    out = []
    for error in exc.errors or [FieldError("body", exc.message)]:
        text = _REASONS.get(error.reason)
        sentence = _(text) % {"city": city} if text else _(error.reason)
        out.append(
            {
                "field": error.field,
                "label": _(_FIELDS.get(error.field, error.field)),
                "reason": sentence,
            }
        )
    return out


def _choices(request: Request) -> dict[str, Any]:
    city = request.app.state.city
    locale = request_locale(request)
    return {
        "districts": [(d.slug, d.display_name(locale)) for d in city.area.districts],
        "landmarks": [(m.slug, m.display_name(locale)) for m in city.landmarks],
    }


async def _addresses_of(account: Account | None) -> list[SavedAddress]:
    return list(await places.addresses(account.id)) if account is not None else []


async def chooser(
    request: Request,
    *,
    next_path: str,
    status: int = 200,
    errors: list[dict[str, str]] | None = None,
    intro: str | None = None,
) -> Response:
    """The full chooser: position, districts, landmarks, a pin, and a resident's addresses."""
    account = await current_account(request)
    context = {
        "next": next_path,
        "errors": errors or [],
        "intro": intro,
        "addresses": await _addresses_of(account),
        **_choices(request),
    }
    return await render(request, "place.html", context, status_code=status)


async def place_page(request: Request) -> Response:
    return await chooser(request, next_path=safe_next(request.query_params.get("next"), "/"))


async def _choose(
    request: Request,
    kind: str,
    *,
    ref: str | None = None,
    lat: object = None,
    lng: object = None,
    address_id: object = None,
) -> Place:
    """Resolve and keep the choice: in the account when signed in, and (for every choice but a
    saved address, which stays private to the account) in the cookie the caller writes."""
    account = await current_account(request)
    city = request.app.state.city
    if kind == PlaceKind.ADDRESS:
        if account is None:
            await require_account(request)
        number = _address_id(address_id)
        chosen = await places.use_address(account.id, number)  # type: ignore[union-attr]
    else:
        chosen = places.resolve(
            city, kind, ref=ref, lat=lat, lng=lng, locale=request_locale(request)
        )
        if account is not None:
            await places.set_current(account.id, chosen)
    forget_cached(request)
    return from_chosen(chosen)


def _address_id(value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise PlaceInvalid.on("address_id", "must be a number") from None
    if not 1 <= number <= ID32_MAX:
        raise AddressNotFound()
    return number


def _remembered(response: Response, place: Place) -> Response:
    remember(response, None if place.kind == PlaceKind.ADDRESS else place)
    return response


async def choose_form(request: Request) -> Response:
    form = await read_form(request)
    next_path = safe_next(form.get("next"), "/")
    try:
        place = await _choose(
            request,
            form.get("kind", ""),
            ref=form.get("ref"),
            lat=form.get("lat"),
            lng=form.get("lng"),
            address_id=form.get("address_id"),
        )
    except PlaceInvalid as exc:
        return await chooser(
            request, next_path=next_path, status=422, errors=_messages(request, exc)
        )
    return _remembered(RedirectResponse(next_path, status_code=303), place)


async def clear_form(request: Request) -> Response:
    form = await read_form(request)
    account = await current_account(request)
    if account is not None:
        await places.clear_current(account.id)
    response = RedirectResponse(safe_next(form.get("next"), "/"), status_code=303)
    remember(response, None)
    return response


def _pin_map(request: Request, place: Place | None) -> dict[str, Any]:
    """booking.js's pin map: around the current place, or the whole city outlined."""
    city = request.app.state.city
    config: dict[str, Any] = {
        "tiles": city.map.tile_url,
        "attribution": city.map.attribution,
        "lat": city.center.lat,
        "lng": city.center.lng,
        "zoom": city.map.default_zoom,
        "area": None,
    }
    if place is not None:
        config.update(lat=place.lat, lng=place.lng, zoom=15)
    else:
        config["area"] = mapping(city.area.boundary)
    return config


async def pin_page(request: Request) -> Response:
    place = await place_of(request)
    context = {
        "next": safe_next(request.query_params.get("next"), "/"),
        "map": _pin_map(request, place),
        "values": {},
        "errors": {},
    }
    return await render(request, "place_pin.html", context)


# --- saved addresses (pages) ---


async def addresses_page(
    request: Request,
    *,
    status: int = 200,
    errors: list[dict[str, str]] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    account = await require_account(request)
    place = await place_of(request)
    context = {
        "addresses": await _addresses_of(account),
        "map": _pin_map(request, place),
        "values": values or {},
        "errors": errors or [],
        "field_errors": {},
    }
    return await render(request, "place_addresses.html", context, status_code=status)


async def addresses_get(request: Request) -> Response:
    return await addresses_page(request)


async def _address_form(request: Request, act: Any, values: dict[str, str]) -> Response:
    try:
        await act()
    except MarketplaceError as exc:
        if exc.status >= 500:
            raise
        return await addresses_page(
            request, status=exc.status, errors=_messages(request, exc), values=values
        )
    return RedirectResponse("/me/addresses", status_code=303)


async def address_add(request: Request) -> Response:
    account = await require_account(request)
    form = await read_form(request)

    async def act() -> None:
        await places.add_address(
            request.app.state.city,
            account.id,
            label=form.get("label"),
            lat=form.get("lat"),
            lng=form.get("lng"),
            address_text=form.get("address_text", ""),
            serves=form.get("serves") == "on",
        )

    return await _address_form(request, act, form)


async def address_edit(request: Request) -> Response:
    account = await require_account(request)
    form = await read_form(request)
    number = request.path_params["address_id"]

    async def act() -> None:
        await places.change_address(
            account.id, number, label=form.get("label"), address_text=form.get("address_text")
        )

    return await _address_form(request, act, {})


async def address_delete(request: Request) -> Response:
    account = await require_account(request)
    await read_form(request)
    number = request.path_params["address_id"]

    async def act() -> None:
        await places.delete_address(account.id, number)

    return await _address_form(request, act, {})


async def address_serves(request: Request) -> Response:
    account = await require_account(request)
    await read_form(request)
    number = request.path_params["address_id"]

    async def act() -> None:
        await places.set_serving(account.id, number)

    return await _address_form(request, act, {})


async def address_use(request: Request) -> Response:
    await require_account(request)
    form = await read_form(request)
    place = await _choose(request, PlaceKind.ADDRESS, address_id=request.path_params["address_id"])
    response = RedirectResponse(safe_next(form.get("next"), "/"), status_code=303)
    return _remembered(response, place)


# --- JSON ---


class PlaceOut(BaseModel):
    lat: float
    lng: float
    kind: str = Field(description="here, district, landmark, pin or address")
    label: str


class PlaceAnswer(BaseModel):
    place: PlaceOut | None = Field(description="null when no place was chosen")


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(description="here, district, landmark, pin or address")
    ref: str | None = Field(None, max_length=80, description="district or landmark slug")
    lat: float | None = Field(None, description="for here and pin")
    lng: float | None = Field(None, description="for here and pin")
    address_id: int | None = Field(None, ge=1, le=ID32_MAX, description="for address")


class AddressOut(BaseModel):
    id: int
    label: str
    lat: float
    lng: float
    address_text: str
    serves: bool = Field(description="the address 'serves my address' searches start from")


class AddressesAnswer(BaseModel):
    addresses: list[AddressOut]


class AddressAnswer(BaseModel):
    address: AddressOut


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(max_length=MAX_LABEL, description="e.g. 家, 公司")
    lat: float
    lng: float
    address_text: str = Field("", max_length=MAX_ADDRESS_TEXT)
    serves: bool = False


class AddressPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str | None = Field(None, max_length=MAX_LABEL)
    address_text: str | None = Field(None, max_length=MAX_ADDRESS_TEXT)
    serves: bool | None = Field(None, description="true: this address serves; false is ignored")


def _place_json(place: Place | None) -> dict[str, Any]:
    if place is None:
        return {"place": None}
    return {"place": {"lat": place.lat, "lng": place.lng, "kind": place.kind, "label": place.label}}


def address_json(found: SavedAddress) -> dict[str, Any]:
    return {
        "id": found.id,
        "label": found.label,
        "lat": found.lat,
        "lng": found.lng,
        "address_text": found.address_text,
        "serves": found.serves,
    }


async def api_place(request: Request) -> Response:
    return JSONResponse(_place_json(await place_of(request)))


async def api_set_place(request: Request) -> Response:
    body = await parse_json(request, PlaceIn)
    place = await _choose(
        request, body.kind, ref=body.ref, lat=body.lat, lng=body.lng, address_id=body.address_id
    )
    return _remembered(JSONResponse(_place_json(place)), place)


async def api_clear_place(request: Request) -> Response:
    account = await current_account(request)
    if account is not None:
        await places.clear_current(account.id)
    response = Response(status_code=204)
    remember(response, None)
    return response


async def api_addresses(request: Request) -> Response:
    account = await require_account(request)
    found = await places.addresses(account.id)
    return JSONResponse({"addresses": [address_json(a) for a in found]})


async def api_add_address(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, AddressIn)
    found = await places.add_address(
        request.app.state.city,
        account.id,
        label=body.label,
        lat=body.lat,
        lng=body.lng,
        address_text=body.address_text,
        serves=body.serves,
    )
    return JSONResponse({"address": address_json(found)}, status_code=201)


async def api_change_address(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, AddressPatch)
    number = request.path_params["address_id"]
    found = await places.change_address(
        account.id, number, label=body.label, address_text=body.address_text
    )
    if body.serves:
        found = await places.set_serving(account.id, number)
    return JSONResponse({"address": address_json(found)})


async def api_delete_address(request: Request) -> Response:
    account = await require_account(request)
    await places.delete_address(account.id, request.path_params["address_id"])
    return Response(status_code=204)


ADDRESS = f"{PREFIX}/me/addresses/{{address_id:id32}}"
PAGE_ADDRESS = "/me/addresses/{address_id:id32}"


def _op(method: str, path: str, summary: str, **extra: Any) -> Operation:
    return Operation(method, path, summary, TAG, **extra)


routes: list[BaseRoute] = [
    Route("/place", place_page, methods=["GET"], name="place"),
    Route("/place", choose_form, methods=["POST"]),
    Route("/place/clear", clear_form, methods=["POST"]),
    Route("/place/pin", pin_page, methods=["GET"]),
    Route("/me/addresses", addresses_get, methods=["GET"], name="addresses"),
    Route("/me/addresses", address_add, methods=["POST"]),
    Route(f"{PAGE_ADDRESS}/edit", address_edit, methods=["POST"]),
    Route(f"{PAGE_ADDRESS}/delete", address_delete, methods=["POST"]),
    Route(f"{PAGE_ADDRESS}/serves", address_serves, methods=["POST"]),
    Route(f"{PAGE_ADDRESS}/use", address_use, methods=["POST"]),
    route(
        _op(
            "GET",
            f"{PREFIX}/place",
            "Where I am: the chosen place",
            response=PlaceAnswer,
            errors=(),
        ),
        api_place,
    ),
    route(
        _op(
            "PUT",
            f"{PREFIX}/place",
            "Choose where I am: a district or landmark by slug, a point, or a saved address",
            body=PlaceIn,
            response=PlaceAnswer,
            errors=(401, 404, 422),
            description="A point outside the city is refused (422, field lat). The choice is "
            "kept in the account when signed in, and in the tc_place cookie.",
        ),
        api_set_place,
    ),
    route(
        _op("DELETE", f"{PREFIX}/place", "Forget where I am", status=204, errors=()),
        api_clear_place,
    ),
    route(
        _op(
            "GET",
            f"{PREFIX}/me/addresses",
            "My saved addresses",
            response=AddressesAnswer,
            errors=(),
            signed_in=True,
        ),
        api_addresses,
    ),
    route(
        _op(
            "POST",
            f"{PREFIX}/me/addresses",
            "Save an address (家, 公司)",
            body=AddressIn,
            response=AddressAnswer,
            status=201,
            errors=(409, 422),
            signed_in=True,
        ),
        api_add_address,
    ),
    route(
        _op(
            "PATCH",
            ADDRESS,
            "Rename an address, or make it the one that serves",
            body=AddressPatch,
            response=AddressAnswer,
            errors=(404, 409, 422),
            signed_in=True,
        ),
        api_change_address,
    ),
    route(
        _op("DELETE", ADDRESS, "Delete a saved address", status=204, errors=(404,), signed_in=True),
        api_delete_address,
    ),
]

"""商家中心: when residents may book a service or lesson, or reserve a restaurant's tables: a
weekly grid of windows, the settings around them, date exceptions, a preview of the next slots,
and the listing's cancellation policy. The form works without script; script adds rows and
refreshes the preview as one types."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo.areas import pick_name
from listings import merchant_reads as reads
from listings.models import Listing, Offering
from listings.types import Vertical
from marketplace import clock
from marketplace.bookings import setup
from marketplace.bookings.availability import AvailabilitySettings, next_offered
from marketplace.bookings.setup import BOOKABLE_KINDS
from marketplace.errors import MarketplaceError, NotFound, ValidationFailed
from web.auth import require_account
from web.i18n import N_, request_locale, translator
from web.reasons import DAY_NAMES, Translate, translate_reason
from web.routes.merchant_forms import Form
from web.routes.merchant_frame import local_path, merchant_page, read_fields, redirect
from web.routes.merchant_listings import LISTING, listing_of

WINDOW_KEYS = (("start", "start"), ("end", "end"), ("slot", "slot_minutes"), ("cap", "capacity"))
SETTING_KEYS = (
    ("buffer", "buffer_minutes"),
    ("notice", "min_notice_minutes"),
    ("horizon", "horizon_days"),
)
BLANK_EXCEPTIONS = 2
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), m)
    for p, m in (
        (r"must be after start.*", N_("Must end after it starts, on the same day.")),
        (
            r"a slot of (?P<n>\d+) minutes does not fit in (?P<range>\S+)",
            N_("A %(n)s-minute slot does not fit in %(range)s."),
        ),
        (r"overlaps windows\[\d+\] \((\w+ )?(?P<range>[^)]*)\)", N_("Overlaps %(range)s.")),
        (r"24:00 can only end a window", N_("24:00 can only end a window.")),
        (r"'.*' is not a time.*", N_("Write the time like 09:00.")),
        (
            r"give the date's windows, or set closed to true",
            N_("Add this day's times, or tick closed."),
        ),
        (r"input should be a valid date.*", N_("Write the date like 2026-10-01.")),
        (r"input should be a valid integer.*", N_("Enter a whole number.")),
        (r"input should be greater than or equal to (?P<n>\d+)", N_("Must be at least %(n)s.")),
        (r"input should be less than or equal to (?P<n>\d+)", N_("Must be at most %(n)s.")),
    )
)


def _reason(_: Translate, reason: str) -> str:
    for pattern, message in REASONS:
        if match := pattern.fullmatch(reason):
            return _(message) % match.groupdict()
    return translate_reason(_, reason)


def _rows(form: Form, prefix: str) -> list[int]:
    found = {int(m.group(1)) for k in form if (m := re.fullmatch(prefix + r"\.(\d+)\.\w+", k))}
    return sorted(found)


def _number(text: str) -> int | str:
    text = text.strip()
    return int(text) if re.fullmatch(r"\d{1,6}", text) else text


def _window(form: Form, key: str) -> dict[str, object]:
    window: dict[str, object] = {}
    for short, name in WINDOW_KEYS:
        value = form.get(f"{key}.{short}", "").strip()
        if value:
            window[name] = _number(value) if short in ("slot", "cap") else value
    return window


def settings_from(form: Form) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON the domain checks, and where each of its paths came from on the form."""
    data: dict[str, Any] = {"windows": [], "exceptions": {}}
    where: dict[str, str] = {}
    for row in _rows(form, "w"):
        key = f"w.{row}"
        if not (form.get(f"{key}.start", "").strip() or form.get(f"{key}.end", "").strip()):
            continue
        where[f"windows[{len(data['windows'])}]"] = key
        data["windows"].append(
            {"weekday": _number(form.get(f"{key}.day", "")), **_window(form, key)}
        )
    for row in _rows(form, "x"):
        key = f"x.{row}"
        day = form.get(f"{key}.date", "").strip()
        if not day:
            continue
        exception = data["exceptions"].setdefault(day, {"windows": []})
        where.setdefault(f"exceptions.{day}", key)
        if form.get(f"{key}.closed"):
            exception["closed"] = True
        elif form.get(f"{key}.start", "").strip() or form.get(f"{key}.end", "").strip():
            where[f"exceptions.{day}.windows[{len(exception['windows'])}]"] = key
            exception["windows"].append(_window(form, key))
    for exception in data["exceptions"].values():
        if exception.get("closed"):
            exception["windows"] = []
    for short, name in SETTING_KEYS:
        if value := form.get(short, "").strip():
            data[name] = _number(value)
    return data, where


def form_from(stored: dict[str, Any] | None) -> Form:
    settings = AvailabilitySettings.from_json(stored) if stored else AvailabilitySettings()
    form: Form = {
        "buffer": str(settings.buffer_minutes),
        "notice": str(settings.min_notice_minutes),
        "horizon": str(settings.horizon_days),
    }
    ordered = sorted(settings.windows, key=lambda w: (w.weekday, w.start_minute))
    for i, w in enumerate(ordered):
        form |= {
            f"w.{i}.day": str(w.weekday),
            f"w.{i}.start": w.start,
            f"w.{i}.end": w.end,
            f"w.{i}.slot": str(w.slot_minutes),
            f"w.{i}.cap": str(w.capacity),
        }
    row = 0
    for day, exception in settings.exceptions.items():
        for w in exception.windows or (None,):
            form[f"x.{row}.date"] = day.isoformat()
            if w is None:
                form[f"x.{row}.closed"] = "on"
            else:
                form |= {
                    f"x.{row}.start": w.start,
                    f"x.{row}.end": w.end,
                    f"x.{row}.slot": str(w.slot_minutes),
                    f"x.{row}.cap": str(w.capacity),
                }
            row += 1
    return form


def errors_of(
    _: Translate, exc: MarketplaceError, where: dict[str, str], root: str
) -> dict[str, str]:
    """Each problem on the input it is about: "availability.windows[2].end" -> "w.5.end"."""
    errors: dict[str, str] = {}
    names = dict((long, short) for short, long in (*WINDOW_KEYS, *SETTING_KEYS))
    for error in exc.errors or []:
        path = error.field.removeprefix(root + ".")
        key = "form"
        if path in names:
            key = names[path]
        else:
            base, _dot, leaf = path.rpartition(".")
            if base in where and leaf in names:
                key = f"{where[base]}.{names[leaf]}"
            elif path.endswith(".windows") and path[: -len(".windows")] in where:
                key = where[path[: -len(".windows")]] + ".start"
            elif path in where:
                key = where[path] + (
                    ".date" if path.startswith("exceptions.") and "[" not in path else ".start"
                )
        text = _reason(_, error.reason)
        errors[key] = f"{errors[key]} {text}" if key in errors else text
    if not exc.errors:
        errors["form"] = _reason(_, exc.message)
    return errors


def _policy_rule(_: Translate, hours: int, fee: object) -> str:
    if not fee or str(fee) in ("0", "0.0"):
        return _("Cancelling is always free.")
    if not hours:
        return _("Cancelling costs %(fee)s%% of what was paid.") % {"fee": fee}
    rule = N_(
        "Free to cancel until %(hours)s hours before the start; "
        "later it costs %(fee)s%% of what was paid."
    )
    return _(rule) % {"hours": hours, "fee": fee}


async def _page(
    request: Request,
    listing: Listing,
    offering: Offering | None,
    form: Form,
    errors: dict[str, str],
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    city = request.app.state.city
    locale = request_locale(request)
    _ = translator(request)
    merchant = await reads.merchant_of(listing)
    preview: list[Any] | None = None
    if not errors:
        try:
            data, _where = settings_from(form)
            settings = AvailabilitySettings.from_json(data)
            preview = next_offered(settings, city.tz, clock.now(), limit=8)
        except MarketplaceError:
            preview = None
    window_rows = _rows(form, "w")
    spare = max(window_rows, default=-1) + 1
    by_day = [
        (d, label, [r for r in window_rows if form.get(f"w.{r}.day") == str(d)], spare + d)
        for d, label in enumerate(DAY_NAMES.values())
    ]
    exception_rows = _rows(form, "x")
    next_x = max(exception_rows, default=-1) + 1
    current = listing.cancellation_policy or city.cancellation.default_policy
    context = {
        "listing": listing,
        "listing_name": pick_name(listing.name, locale),
        "offering": offering,
        "subject": pick_name(offering.name, locale) if offering else _("Table bookings"),
        "covers": offering is None,
        "form": form,
        "errors": errors,
        "saved": saved,
        "by_day": by_day,
        "exception_rows": exception_rows + list(range(next_x, next_x + BLANK_EXCEPTIONS)),
        "filled_exceptions": [r for r in exception_rows if form.get(f"x.{r}.date", "").strip()],
        "preview": preview,
        "action": request.url.path,
        "policies": [
            (slug, p.display_name(locale), _policy_rule(_, p.free_until_hours, p.late_fee_percent))
            for slug, p in city.cancellation.policies.items()
        ],
        "policy": current,
        "policy_saved": request.query_params.get("policy") == "saved",
    }
    if request.headers.get("x-preview"):
        return await merchant_page(
            request,
            "merchant/availability_preview.html",
            merchant,
            context,
            nav="home",
            status_code=status_code,
        )
    return await merchant_page(
        request,
        "merchant/availability.html",
        merchant,
        context,
        nav="home",
        status_code=status_code,
    )


async def _offering(request: Request) -> tuple[Listing, Offering]:
    account = await require_account(request)
    listing, _merchant = await listing_of(request)
    offering = await reads.get_offering(account, listing, request.path_params["offering_id"])
    if offering.kind not in BOOKABLE_KINDS:
        raise NotFound("Only services and lessons are booked by time.")
    return listing, offering


async def _restaurant(request: Request) -> Listing:
    listing, _merchant = await listing_of(request)
    if listing.vertical != Vertical.RESTAURANT:
        raise NotFound("Only restaurants take table reservations.")
    return listing


async def _submit(
    request: Request,
    listing: Listing,
    offering: Offering | None,
    save: Callable[[Any], Any],
    root: str,
) -> Response:
    form = await read_fields(request)
    intent = form.get("intent", "save")
    data, where = settings_from(form)
    try:
        if intent == "clear":
            await save(None)
            return redirect(request.url.path + "?saved=1")
        AvailabilitySettings.from_json(data, field=root)
        if intent == "save":
            await save(data)
            return redirect(request.url.path + "?saved=1")
    except ValidationFailed as exc:
        errors = errors_of(translator(request), exc, where, root)
        return await _page(request, listing, offering, form, errors, status_code=exc.status)
    return await _page(request, listing, offering, form, {})


async def availability_page(request: Request) -> Response:
    listing, offering = await _offering(request)
    saved = "saved" in request.query_params
    return await _page(
        request, listing, offering, form_from(offering.availability), {}, saved=saved
    )


async def availability_submit(request: Request) -> Response:
    account = await require_account(request)
    listing, offering = await _offering(request)

    async def save(data: Any) -> None:
        await setup.set_offering_availability(account, offering.id, data)

    return await _submit(request, listing, offering, save, "availability")


async def reservations_page(request: Request) -> Response:
    listing = await _restaurant(request)
    saved = "saved" in request.query_params
    return await _page(request, listing, None, form_from(listing.reservations), {}, saved=saved)


async def reservations_submit(request: Request) -> Response:
    account = await require_account(request)
    listing = await _restaurant(request)

    async def save(data: Any) -> None:
        await setup.set_table_reservations(account, listing.id, data)

    return await _submit(request, listing, None, save, "reservations")


async def policy_submit(request: Request) -> Response:
    account = await require_account(request)
    listing, _merchant = await listing_of(request)
    form = await read_fields(request)
    slug = form.get("policy") or None
    await setup.set_cancellation_policy(request.app.state.city, account, listing.id, slug)
    back = local_path(form.get("back", ""), f"/merchant/listings/{listing.id}/offerings")
    return redirect(back.split("?")[0] + "?policy=saved#policy")


OFFERING = LISTING + "/offerings/{offering_id:id32}/availability"
routes = [
    Route(OFFERING, availability_page, methods=["GET"], name="merchant_availability"),
    Route(OFFERING, availability_submit, methods=["POST"], name="merchant_availability_save"),
    Route(
        LISTING + "/reservations", reservations_page, methods=["GET"], name="merchant_reservations"
    ),
    Route(
        LISTING + "/reservations",
        reservations_submit,
        methods=["POST"],
        name="merchant_reservations_save",
    ),
    Route(
        LISTING + "/cancellation-policy",
        policy_submit,
        methods=["POST"],
        name="merchant_policy_save",
    ),
]

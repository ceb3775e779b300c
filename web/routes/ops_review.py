"""运营后台 pages beyond the dashboard: merchant applications, listing moderation, a listing's
audit trail and the bulk import. Operators only; every verb is the domain's own.

A refused form (no reason, a decision someone else already took) re-renders the same page with
the error next to the form that caused it, in the reader's language.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from geo.areas import pick_name
from listings import audit, catalogue, onboarding
from listings import public as console
from listings.importing.runner import run_import
from listings.importing.source import detect_format
from listings.types import ListingStatus
from marketplace.accounts import Role
from marketplace.accounts.models import Account
from marketplace.errors import Conflict, MarketplaceError, ValidationFailed
from marketplace.input_bounds import strip_controls
from web.auth import require_role
from web.forms import read_form
from web.i18n import N_, request_locale, translator
from web.reasons import translate_reason
from web.routes.ops_history import ACTION_NAMES, STATUS_NAMES, change_text, field_label
from web.routes.pages import VERTICAL_TEXT
from web.templating import render

MAX_IMPORT_BYTES = 10 * 1024 * 1024  # 2,000 rows are well under 2 MB
MAX_IMPORT_FIELDS = 4
IMPORT_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".jsonlines")
# reasons the domain gives for the forms on these pages, marked here to be translated
DOMAIN_REASONS = (
    N_("is required: the applicant is told why"),
    N_("is required: the merchant is told why"),
    N_("must be at most 1000 characters"),
    N_("must be at most 500 characters"),
    N_("choose a CSV or JSON Lines file"),
    N_("is larger than 10 MB; split it into smaller files"),
    N_("is not UTF-8 text; save it as UTF-8 and try again"),
    N_("is empty"),
    N_("must be a .csv or .jsonl file"),
)
DONE = {
    "approved": N_("Application approved. The applicant has been told."),
    "rejected": N_("Application rejected. The applicant has been told why."),
    "hidden": N_("Listing hidden. The merchant has been told why."),
    "restored": N_("Listing restored: it is public again."),
}
ALREADY_DECIDED = N_("This changed in the meantime; the page now shows the current state.")

Errors = dict[int, dict[str, str]]


async def _operator(request: Request) -> Account:
    return await require_role(request, Role.OPERATOR)


def _see(request: Request, path: str, **query: str) -> RedirectResponse:
    query = {k: v for k, v in query.items() if v}
    return RedirectResponse(f"{path}?{urlencode(query)}" if query else path, status_code=303)


def _errors(request: Request, exc: MarketplaceError) -> dict[str, str]:
    _ = translator(request)
    if isinstance(exc, Conflict):
        # the domain's sentence names states in English; the page itself shows the new state
        return {"form": _(ALREADY_DECIDED)}
    city = request.app.state.city.display_name(request_locale(request))
    if exc.errors:
        return {e.field: translate_reason(_, e.reason, city=city) for e in exc.errors}
    return {"form": translate_reason(_, exc.message, city=city)}


def _done(request: Request) -> str:
    key = request.query_params.get("done", "")
    return translator(request)(DONE[key]) if key in DONE else ""


def _stray(errors: Errors | None, shown: set[int]) -> list[str]:
    """Errors about an item the page no longer lists (decided or changed meanwhile): they go
    at the top, or the operator would see nothing happen."""
    return [e["form"] for key, e in (errors or {}).items() if key not in shown and "form" in e]


async def _page(
    request: Request, template: str, nav: str, status_code: int = 200, **context: Any
) -> Response:
    locale = request_locale(request)
    context |= {
        "nav": nav,
        "done": _done(request),
        "t": lambda names: pick_name(names, locale) if names else "",
        "vertical_names": {v.value: title for v, (title, _blurb) in VERTICAL_TEXT.items()},
        "status_names": STATUS_NAMES,
    }
    return await render(request, template, context, status_code=status_code)


# --- merchant applications ---------------------------------------------------------------------


async def _applications(
    request: Request,
    operator: Account,
    errors: Errors | None = None,
    values: Errors | None = None,
    status_code: int = 200,
) -> Response:
    shown = await console.applications_with_applicants(operator)
    return await _page(
        request,
        "ops/merchants.html",
        "merchants",
        status_code,
        applications=shown,
        errors=errors or {},
        values=values or {},
        stray=_stray(errors, {m.id for m in shown}),
    )


async def applications(request: Request) -> Response:
    return await _applications(request, await _operator(request))


async def approve(request: Request) -> Response:
    return await _decide(request, "approve")


async def reject(request: Request) -> Response:
    return await _decide(request, "reject")


async def _decide(request: Request, decision: str) -> Response:
    operator = await _operator(request)
    merchant_id: int = request.path_params["merchant_id"]
    form = await read_form(request)
    merchant = await console.merchant_for_review(operator, merchant_id)
    try:
        if decision == "approve":
            await onboarding.approve(operator, merchant)
        else:
            await onboarding.reject(operator, merchant, form.get("reason", ""))
    except (ValidationFailed, Conflict) as exc:
        values = {merchant_id: {"reason": form.get("reason", "")}}
        errors = {merchant_id: _errors(request, exc)}
        return await _applications(request, operator, errors, values, exc.status)
    return _see(request, "/ops/merchants", done="approved" if decision == "approve" else "rejected")


# --- listings ----------------------------------------------------------------------------------


def _status_filter(raw: str | None) -> ListingStatus | None:
    try:
        return ListingStatus(raw) if raw else None
    except ValueError:
        return None  # a hand-edited URL: show everything rather than an error


async def _listings(
    request: Request,
    operator: Account,
    query: str,
    status: ListingStatus | None,
    errors: Errors | None = None,
    values: Errors | None = None,
    status_code: int = 200,
) -> Response:
    shown = await console.search_console_listings(operator, query, status)
    return await _page(
        request,
        "ops/listings.html",
        "listings",
        status_code,
        q=query,
        status=status.value if status else "",
        results=shown,
        errors=errors or {},
        values=values or {},
        stray=_stray(errors, {r.id for r in shown}),
    )


async def listings(request: Request) -> Response:
    operator = await _operator(request)
    params = request.query_params
    # words to look for, as in the residents' search: control characters are dropped
    query = strip_controls(params.get("q", ""))[:100]
    return await _listings(request, operator, query, _status_filter(params.get("status")))


async def hide(request: Request) -> Response:
    return await _moderate(request, "hide")


async def restore(request: Request) -> Response:
    return await _moderate(request, "restore")


async def _moderate(request: Request, action: str) -> Response:
    operator = await _operator(request)
    listing_id: int = request.path_params["listing_id"]
    form = await read_form(request)
    query, status = form.get("q", "")[:100], _status_filter(form.get("status"))
    listing = await console.listing_for_console(operator, listing_id)
    try:
        if action == "hide":
            await catalogue.hide(operator, listing, form.get("reason", ""))
        else:
            await catalogue.restore(operator, listing)
    except (ValidationFailed, Conflict) as exc:
        values = {listing_id: {"reason": form.get("reason", "")}}
        errors = {listing_id: _errors(request, exc)}
        return await _listings(request, operator, query, status, errors, values, exc.status)
    done = "hidden" if action == "hide" else "restored"
    return _see(request, "/ops/listings", q=query, status=status.value if status else "", done=done)


async def history(request: Request) -> Response:
    operator = await _operator(request)
    listing = await console.listing_for_console(operator, request.path_params["listing_id"])
    entries = await audit.history(operator, listing)
    return await _page(
        request,
        "ops/history.html",
        "listings",
        listing=listing,
        entries=entries,
        show=change_text(request),
        label=field_label(request),
        action_names=ACTION_NAMES,
    )


# --- bulk import -------------------------------------------------------------------------------


async def import_page(request: Request) -> Response:
    await _operator(request)
    return await _page(request, "ops/import.html", "import", errors={}, dry_run=True, report=None)


async def _upload(request: Request) -> tuple[UploadFile | None, bytes, bool]:
    async with request.form(max_files=1, max_fields=MAX_IMPORT_FIELDS) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return None, b"", form.get("dry_run") == "on"
        return upload, await upload.read(MAX_IMPORT_BYTES + 1), form.get("dry_run") == "on"


def _import_text(upload: UploadFile | None, data: bytes) -> tuple[str, str]:
    """The file's text and format; ValidationFailed on `file` says what is wrong with it."""
    if upload is None or not upload.filename:
        raise ValidationFailed.on("file", "choose a CSV or JSON Lines file")
    if PurePath(upload.filename).suffix.lower() not in IMPORT_SUFFIXES:
        raise ValidationFailed.on("file", "must be a .csv or .jsonl file")
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationFailed.on("file", "is larger than 10 MB; split it into smaller files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.on(
            "file", "is not UTF-8 text; save it as UTF-8 and try again"
        ) from None
    if not text.strip():
        raise ValidationFailed.on("file", "is empty")
    return text, detect_format(upload.filename)


async def import_submit(request: Request) -> Response:
    operator = await _operator(request)
    upload, data, dry_run = await _upload(request)
    try:
        text, fmt = _import_text(upload, data)
        report = await run_import(request.app.state.city, operator, text, fmt, dry_run=dry_run)
    except ValidationFailed as exc:
        _ = translator(request)
        errors = {"file": _(exc.errors[0].reason) if exc.errors else _(exc.message)}
        return await _page(
            request,
            "ops/import.html",
            "import",
            exc.status,
            errors=errors,
            dry_run=dry_run,
            report=None,
        )
    _ = translator(request)
    city = request.app.state.city.display_name(request_locale(request))
    rejected = [
        (row, error, translate_reason(_, error.reason, city=city))
        for row in report.rejected
        for error in row.errors
    ]
    return await _page(
        request,
        "ops/import.html",
        "import",
        errors={},
        dry_run=dry_run,
        report=report,
        rejected=rejected,
    )


MERCHANT = "/ops/merchants/{merchant_id:id32}"
LISTING = "/ops/listings/{listing_id:id32}"
routes = [
    Route("/ops/merchants", applications, methods=["GET"], name="ops_merchants"),
    Route(f"{MERCHANT}/approve", approve, methods=["POST"], name="ops_approve"),
    Route(f"{MERCHANT}/reject", reject, methods=["POST"], name="ops_reject"),
    Route("/ops/listings", listings, methods=["GET"], name="ops_listings"),
    Route(f"{LISTING}/hide", hide, methods=["POST"], name="ops_hide"),
    Route(f"{LISTING}/restore", restore, methods=["POST"], name="ops_restore"),
    Route(f"{LISTING}/history", history, methods=["GET"], name="ops_history"),
    Route("/ops/import", import_page, methods=["GET"], name="ops_import"),
    Route("/ops/import", import_submit, methods=["POST"], name="ops_import_submit"),
]

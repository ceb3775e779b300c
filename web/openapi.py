"""The OpenAPI document of /api/v1, built from the same pydantic models the routes validate with.

A JSON route is declared with `api_route(Operation(...), endpoint)`: the route and its entry in
the document come from one declaration, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from web.middleware.session import COOKIE_NAME
from web.validation import PATH_PARAM_SCHEMAS

_PARAM = re.compile(r"{(\w+)(?::(\w+))?}")
_WORDS = re.compile(r"\W+")
_PARAM_TYPES = {"int": "integer", "str": "string", "path": "string", None: "string"}


class ErrorItem(BaseModel):
    field: str
    reason: str


class ErrorBody(BaseModel):
    """Every error answer: a machine-readable code, a sentence, and field-level reasons."""

    code: str
    message: str
    errors: list[ErrorItem] = []


_ERROR_TEXT = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Too large",
    422: "Invalid input: each field with its reason",
    429: "Too many attempts",
    503: "Unavailable",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = (422,)
    signed_in: bool = False
    body_media_type: str = "application/json"
    # False: an empty body is taken as the model's defaults (the route reads it as optional)
    body_required: bool = True
    # True: JSON `null` is a meaning of its own (e.g. "stop taking bookings")
    body_nullable: bool = False
    description: str = ""
    extra_responses: dict[int, str] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


class ApiRoute(Route):
    """One operation's route. Several operations share a path through separate routes, and the
    router answers a method none of them takes through the first one that matched the path:
    its 405 must name the methods of every operation on that path, as the document does."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            raise HTTPException(status_code=405, headers={"Allow": allowed_methods(self.path)})
        await super().handle(scope, receive, send)


def allowed_methods(path: str) -> str:
    methods = {op.method for op in OPERATIONS if op.path == path}
    if "GET" in methods:
        methods.add("HEAD")  # Starlette answers HEAD wherever it answers GET
    return ", ".join(sorted(methods))


def api_route(op: Operation, endpoint: Callable[[Request], Any], name: str | None = None) -> Route:
    OPERATIONS.append(op)
    return ApiRoute(op.path, endpoint, methods=[op.method], name=name)


def _openapi_path(path: str) -> tuple[str, list[dict[str, Any]]]:
    params = [
        {
            "name": m.group(1),
            "in": "path",
            "required": True,
            "schema": PATH_PARAM_SCHEMAS.get(m.group(2) or "")
            or {"type": _PARAM_TYPES.get(m.group(2), "string")},
        }
        for m in _PARAM.finditer(path)
    ]
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", path), params


def _query_params(model: type[BaseModel], schema: dict[str, Any]) -> list[dict[str, Any]]:
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
            **({"description": prop["description"]} if "description" in prop else {}),
        }
        for name, prop in props.items()
    ]


def openapi_document(title: str, version: str) -> dict[str, Any]:
    models = {m for op in OPERATIONS for m in (op.body, op.response, op.query) if m is not None}
    models.add(ErrorBody)
    ordered = sorted(models, key=lambda m: m.__name__)
    keyed, defs = models_json_schema(
        [(m, "validation") for m in ordered], ref_template="#/components/schemas/{model}"
    )
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        return keyed[(model, "validation")]

    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path, params = _openapi_path(op.path)
        if op.query is not None:
            params += _query_params(op.query, schemas.get(op.query.__name__, {}))
        ok: dict[str, Any] = {"description": op.summary}
        if op.response is not None:
            ok["content"] = {"application/json": {"schema": ref(op.response)}}
        responses: dict[str, Any] = {str(op.status): ok}
        for status in sorted({*op.errors, *((401,) if op.signed_in else ())}):
            responses[str(status)] = {
                "description": _ERROR_TEXT.get(status, "Error"),
                "content": {"application/json": {"schema": ref(ErrorBody)}},
            }
        for status, text in op.extra_responses.items():
            responses[str(status)] = {"description": text}
        entry: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": op.method.lower() + "_" + _WORDS.sub("_", path).strip("_"),
            "responses": responses,
        }
        if op.description:
            entry["description"] = op.description
        if params:
            entry["parameters"] = params
        if op.body is not None:
            body_schema = ref(op.body)
            if op.body_nullable:
                body_schema = {"anyOf": [body_schema, {"type": "null"}]}
            entry["requestBody"] = {
                "required": op.body_required,
                "content": {op.body_media_type: {"schema": body_schema}},
            }
        if op.signed_in:
            entry["security"] = [{"session": []}]
        paths.setdefault(path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": COOKIE_NAME,
                    "description": "Signed session cookie; unsafe methods also need the "
                    "X-CSRF-Token header returned at sign-in.",
                }
            },
        },
    }


async def openapi_json(request: Request) -> Response:
    city = request.app.state.city
    return JSONResponse(openapi_document(f"Taocity API · {city.display_name('en')}", "1"))

"""The OpenAPI document covers every JSON route and its references resolve."""

from __future__ import annotations

import re
from typing import Any

import httpx
from starlette.routing import Route

from marketplace.app import create_app
from marketplace.city import City
from marketplace.settings import Settings
from tests.web.conftest import client_for
from web.routes.api import SessionOut

SETTINGS = Settings(
    database_url="sqlite://:memory:", session_secret="openapi-test-secret-0123456789-ab"
)


def _api_routes(app: Any) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/v1/"):
            path = re.sub(r"{(\w+)(?::\w+)?}", r"{\1}", route.path)
            for method in route.methods or ():
                if method != "HEAD" and path != "/api/v1/openapi.json":
                    found.add((method.lower(), path))
    return found


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


async def fetch_document(city: City) -> tuple[Any, dict[str, Any]]:
    app = create_app(city, SETTINGS, manage_database=False)
    async with client_for(app) as client:
        response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return app, response.json()


async def test_every_json_route_is_documented(city: City) -> None:
    app, doc = await fetch_document(city)
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    routes = _api_routes(app)
    assert routes, "the app has JSON routes"
    assert routes - documented == set()
    assert documented - routes == set()
    assert doc["openapi"].startswith("3.1")


async def test_schemas_are_complete_and_references_resolve(city: City) -> None:
    _, doc = await fetch_document(city)
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    signup = doc["paths"]["/api/v1/auth/signup"]["post"]
    body = signup["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schemas[body.rsplit("/", 1)[1]]["required"]) == {
        "identifier",
        "password",
        "display_name",
    }
    assert "422" in signup["responses"] and "201" in signup["responses"]
    login = doc["paths"]["/api/v1/auth/login"]["post"]
    assert {"401", "429"} <= set(login["responses"])
    assert doc["paths"]["/api/v1/me"]["get"]["security"] == [{"session": []}]


async def test_a_real_answer_matches_its_documented_schema(
    db: str, city: City, db_url: str
) -> None:
    settings = SETTINGS.model_copy(update={"database_url": db_url})
    app = create_app(city, settings, manage_database=False)
    async with client_for(app) as client:
        response = await client.post(
            "/api/v1/auth/signup",
            json={
                "identifier": "doc@example.test",
                "password": "long enough pw",
                "display_name": "Doc",
            },
        )
    assert response.status_code == 201
    SessionOut.model_validate(response.json())
    assert isinstance(client, httpx.AsyncClient)

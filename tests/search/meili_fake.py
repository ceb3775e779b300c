"""Answers shaped like Meilisearch's documented responses; not a Meilisearch.

An `httpx.MockTransport` handler that records every request and answers with the shapes the
Meilisearch API reference documents: a summarised task (`taskUid`, `status: enqueued`) for
writes, task objects from `GET /tasks/{uid}` that go through scripted statuses, search answers
and error objects (`message`, `code`, `type`, `link`). It does not filter, rank or store anything:
tests script the hits it returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

URL = "http://meili.test"
KEY = "masterKey-for-tests"
INDEX = "taocity-changzhou"
ENQUEUED_AT = "2026-11-22T10:00:00.000000Z"


def error_object(code: str, message: str, type_: str = "invalid_request") -> dict[str, str]:
    return {
        "message": message,
        "code": code,
        "type": type_,
        "link": f"https://docs.meilisearch.com/errors#{code}",
    }


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    authorization: str | None


@dataclass
class FakeMeili:
    requests: list[Recorded] = field(default_factory=list)
    # per task uid, the statuses successive `GET /tasks/{uid}` report; the last one repeats
    statuses: dict[int, list[str]] = field(default_factory=dict)
    task_errors: dict[int, dict[str, str]] = field(default_factory=dict)
    search_answer: dict[str, Any] = field(default_factory=dict)
    # (status, body) answered to the next request instead of the usual shape
    override: tuple[int, Any] | None = None
    next_uid: int = 0
    tasks: dict[int, dict[str, Any]] = field(default_factory=dict)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if not r.path.startswith("/tasks/")]

    def polls(self) -> list[str]:
        return [r.path for r in self.requests if r.path.startswith("/tasks/")]

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        path = request.url.path
        self.requests.append(
            Recorded(request.method, path, body, request.headers.get("Authorization"))
        )
        if self.override is not None:
            status, answer = self.override
            self.override = None
            return httpx.Response(status, json=answer)
        if path.startswith("/tasks/"):
            return self._task(int(path.rsplit("/", 1)[1]))
        if path.endswith("/search"):
            return httpx.Response(200, json=self.search_answer)
        if path.endswith("/stats"):
            return httpx.Response(
                200, json={"numberOfDocuments": 7, "isIndexing": False, "fieldDistribution": {}}
            )
        return self._enqueue(request.method, path)

    def _enqueue(self, method: str, path: str) -> httpx.Response:
        uid = self.next_uid
        self.next_uid += 1
        kind = {
            ("POST", "/indexes"): "indexCreation",
            ("PATCH", f"/indexes/{INDEX}/settings"): "settingsUpdate",
            ("POST", f"/indexes/{INDEX}/documents"): "documentAdditionOrUpdate",
            ("POST", f"/indexes/{INDEX}/documents/delete-batch"): "documentDeletion",
            ("DELETE", f"/indexes/{INDEX}/documents"): "documentDeletion",
        }.get((method, path), "unknown")
        self.tasks[uid] = {"indexUid": INDEX, "type": kind}
        summary = {
            "taskUid": uid,
            "indexUid": INDEX,
            "status": "enqueued",
            "type": kind,
            "enqueuedAt": ENQUEUED_AT,
        }
        return httpx.Response(202, json=summary)

    def _task(self, uid: int) -> httpx.Response:
        script = self.statuses.setdefault(uid, ["succeeded"])
        status = script.pop(0) if len(script) > 1 else script[0]
        ended = status in ("succeeded", "failed", "canceled")
        task = {
            "uid": uid,
            **self.tasks[uid],
            "status": status,
            "canceledBy": None,
            "details": {},
            "error": self.task_errors.get(uid) if status == "failed" else None,
            "duration": "PT0.004S" if ended else None,
            "enqueuedAt": ENQUEUED_AT,
            "startedAt": None if status == "enqueued" else ENQUEUED_AT,
            "finishedAt": ENQUEUED_AT if ended else None,
        }
        return httpx.Response(200, json=task)


def refusing(exc: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        raise exc("connection refused", request=request)

    return handle

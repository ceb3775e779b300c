"""A thin async client for the parts of Meilisearch's HTTP API the engine uses, and error mapping.

Every failure leaves here as one of our errors, never an httpx exception: an unreachable server,
a timeout or a 5xx is `SearchUnavailable` (the outbox retries later); a Meilisearch error object
(`{"message", "code", "type", "link"}`) on a 4xx answer or in a failed task is `MeilisearchError`
carrying Meilisearch's code and message, since retrying the same request cannot help.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from marketplace.errors import MarketplaceError
from search.interfaces import SearchUnavailable

TASK_POLL_S = 0.05
TASK_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 10.0


class MeilisearchError(MarketplaceError):
    """Meilisearch refused a request or a task failed; `meili_code` is its own error code."""

    code = "search_engine_error"
    status = 502

    def __init__(self, meili_code: str, message: str, *, error_type: str = "") -> None:
        super().__init__(f"Meilisearch {meili_code}: {message}")
        self.meili_code = meili_code
        self.meili_message = message
        self.error_type = error_type

    @classmethod
    def from_object(cls, error: dict[str, Any]) -> MeilisearchError:
        return cls(
            str(error.get("code", "unknown")),
            str(error.get("message", "")),
            error_type=str(error.get("type", "")),
        )


class MeilisearchClient:
    def __init__(self, url: str, key: str | None, *, client: httpx.AsyncClient | None = None):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._owned = client is None
        self._http = client or httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S)
        self._base = url.rstrip("/")
        self._headers = headers

    async def request(self, method: str, path: str, json: Any = None) -> Any:
        try:
            response = await self._http.request(
                method, self._base + path, json=json, headers=self._headers
            )
        except httpx.HTTPError as exc:
            raise SearchUnavailable(f"Meilisearch is unreachable: {exc!r}") from exc
        if response.status_code >= 500:
            raise SearchUnavailable(f"Meilisearch answered {response.status_code}")
        try:
            body = response.json() if response.content else None
        except ValueError as exc:
            raise SearchUnavailable("Meilisearch answered with something other than JSON") from exc
        if response.status_code >= 400:
            if isinstance(body, dict) and "code" in body:
                raise MeilisearchError.from_object(body)
            raise MeilisearchError(f"http_{response.status_code}", str(body))
        return body

    async def wait_for_task(self, task_uid: int, timeout_s: float | None = None) -> dict[str, Any]:
        """Poll `GET /tasks/{uid}` until the task ends; a failed task raises its error."""
        deadline = time.monotonic() + (TASK_TIMEOUT_S if timeout_s is None else timeout_s)
        while True:
            task = await self.request("GET", f"/tasks/{task_uid}")
            status = task.get("status") if isinstance(task, dict) else None
            if status == "succeeded":
                return dict(task)
            if status in ("failed", "canceled"):
                raise MeilisearchError.from_object(
                    task.get("error") or {"code": f"task_{status}", "message": f"task {task_uid}"}
                )
            if time.monotonic() >= deadline:
                # still queued behind other work: the caller may retry, nothing is lost
                raise SearchUnavailable(f"Meilisearch task {task_uid} still {status}")
            await asyncio.sleep(TASK_POLL_S)

    async def task(self, method: str, path: str, json: Any = None, *, wait: bool = True) -> int:
        """Send a request that Meilisearch answers with an enqueued task; maybe await it."""
        summary = await self.request(method, path, json)
        if not isinstance(summary, dict) or not isinstance(summary.get("taskUid"), int):
            raise MeilisearchError("unexpected_answer", f"no task uid in {summary!r:.200}")
        uid = summary["taskUid"]
        if wait:
            await self.wait_for_task(uid)
        return uid

    async def close(self) -> None:
        if self._owned:
            await self._http.aclose()

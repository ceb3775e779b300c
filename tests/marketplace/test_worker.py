from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from marketplace import db
from marketplace.accounts.models import LoginAttempt
from marketplace.app import create_app
from marketplace.city import City
from marketplace.settings import Settings
from marketplace.worker import job_loop


async def test_worker_purges_only_attempts_older_than_the_window(db: str) -> None:
    settings = Settings(login_window_s=900)
    now = datetime.now(UTC)
    await LoginAttempt.create(identifier="a@example.test", ip="127.0.0.1", created_at=now)
    await LoginAttempt.create(
        identifier="a@example.test", ip="127.0.0.1", created_at=now - timedelta(seconds=901)
    )
    await job_loop(settings, once=True)
    left = await LoginAttempt.all()
    assert len(left) == 1
    assert left[0].created_at > now - timedelta(seconds=5)


def test_the_embedded_web_process_runs_the_jobs_itself(tmp_path: Path, city: City) -> None:
    url = f"sqlite://{tmp_path / 'embedded.sqlite3'}"
    settings = Settings(
        database_url=url,
        session_secret="test-session-secret-0123456789-abcdef",
        search_dir=tmp_path / "search",
    )
    assert settings.run_jobs_in_web
    assert not Settings(database_url="postgres://x@127.0.0.1/db").run_jobs_in_web

    async def scenario() -> tuple[int, bool]:
        await db.migrate(url)
        await db.init_db(url)
        old = datetime.now(UTC) - timedelta(days=1)
        await LoginAttempt.create(identifier="x@example.test", ip="10.0.0.1", created_at=old)
        await db.close_db()
        app = create_app(city, settings)
        async with app.router.lifespan_context(app):
            for _ in range(100):
                if await LoginAttempt.all().count() == 0:
                    break
                await asyncio.sleep(0.1)
            left = await LoginAttempt.all().count()
            tasks = [t for t in asyncio.all_tasks() if t.get_name() == "taocity-jobs"]
        return left, all(t.done() for t in tasks) and bool(tasks)

    assert asyncio.run(scenario()) == (0, True)

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marketplace.accounts.models import LoginAttempt
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

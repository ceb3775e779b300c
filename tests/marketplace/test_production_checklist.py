"""The README's production checklist, followed as written from an empty PostgreSQL cluster.

The commands come from the README itself (the fenced blocks after a `<!-- checklist: KIND -->`
marker, in order) and the process lines from the Procfile, so the documentation and this test
cannot drift apart. They run through bash, as an operator would paste them, with three local
facts substituted: the cluster and the web processes listen on free ports (instead of
`localhost:5432` and `PORT=8000`), and `taocity` is this checkout's installed command (the
`install` block is the one not run: installing from the network is not this test's business).
The app's role is an ordinary login role, not a superuser.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.import_files import import_csv
from tests.support.live_server import REPO, free_port
from tests.support.pg_cluster import PG_BIN, PostgisCluster

README = REPO / "README.md"
PROCFILE = REPO / "Procfile"
LOAD_ENV = "set -a; . ./.env; set +a"
PASSWORD = "operator-password-2026"
# variables a developer's shell may hold that must come from the checklist's .env instead
OURS = re.compile(
    r"^(DATABASE_URL|CITY_DIR|SESSION_SECRET.*|SECURE_COOKIES|JOBS_IN_WEB|MEDIA_DIR|SEARCH_DIR|"
    r"MEILI_.*|SMTP_URL|STRIPE_.*|PORT|WEB_CONCURRENCY|TRUSTED_PROXIES|PG.*)$"
)


def checklist() -> list[tuple[str, str]]:
    """(kind, commands) of each marked block of the README's production section, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"<!-- checklist: (\w+) -->\s*\n( *)```sh\n(.*?)\n\2```", section, re.S)
    return [(kind, textwrap.dedent(indent + body)) for kind, indent, body in blocks]


def procfile() -> dict[str, str]:
    lines = PROCFILE.read_text(encoding="utf-8").splitlines()
    return dict(line.split(":", 1) for line in lines if ":" in line)


class Operator:
    """Runs the checklist's commands in the app directory, as the superuser or as the app."""

    def __init__(self, app_dir: Path, port: int) -> None:
        self.app_dir = app_dir
        self.port = port
        self.web_port = free_port()
        base = {k: v for k, v in os.environ.items() if not OURS.match(k)}
        path = os.pathsep.join([str(Path(sys.executable).parent), str(PG_BIN), base["PATH"]])
        self.app_env = {**base, "PATH": path}
        self.superuser_env = {
            **self.app_env,
            "PGHOST": "127.0.0.1",
            "PGPORT": str(port),
            "PGUSER": "postgres",
        }

    def script(self, commands: str, *, as_app: bool) -> str:
        commands = commands.replace("@localhost:5432/", f"@127.0.0.1:{self.port}/")
        commands = commands.replace("\nPORT=8000\n", f"\nPORT={self.web_port}\n")
        return f"{LOAD_ENV}\n{commands}" if as_app else commands

    def run(
        self, commands: str, *, as_app: bool, stdin: str = "", check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", self.script(commands, as_app=as_app)],
            cwd=self.app_dir,
            env=self.app_env if as_app else self.superuser_env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check:
            assert result.returncode == 0, (commands, result.stdout, result.stderr)
        return result

    def sql(self, query: str) -> str:
        return self.run(f'psql -d taocity -Atc "{query}"', as_app=False).stdout.strip()

    def start(self, command: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            # `env` runs a line that starts with VAR=value as a shell would, and keeps its pid
            ["bash", "-c", f"{LOAD_ENV}\nexec env {command}"],
            cwd=self.app_dir,
            env={**self.app_env, **env},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stopped as a group: the supervisor and its children
        )


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    except OSError:
        return 0, {}


def _wait_for(predicate: object, what: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.25)
    raise AssertionError(f"still waiting for {what} after {seconds} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def cluster() -> Iterator[PostgisCluster]:
    """A cluster of its own: the checklist starts from one with no role and no database."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 is not installed")
    cluster = PostgisCluster()
    cluster.start()
    yield cluster
    cluster.stop()


def test_the_readme_checklist_blocks_are_found_in_order() -> None:
    kinds = [kind for kind, _ in checklist()]
    assert kinds == ["install", "superuser", "postgis", "environment", "app", "app", "app"]
    assert LOAD_ENV in README.read_text(encoding="utf-8")  # the README tells how to load .env
    assert {"web", "worker", "release"} <= set(procfile())


def test_the_production_checklist_works_as_written(cluster: PostgisCluster, tmp_path: Path) -> None:
    steps = checklist()
    (_, _), (_, role), (_, postgis), (_, environment), *app_steps = steps
    migrate, operator_create, load_and_reindex = (commands for _, commands in app_steps)
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "cities").symlink_to(REPO / "cities")
    csv_text, _ = import_csv(4)
    (app_dir / "merchants.csv").write_text(csv_text, encoding="utf-8")
    op = Operator(app_dir, cluster.port)

    op.run(role, as_app=False)
    assert op.sql("SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = 'taocity'") == "f"
    op.run(environment, as_app=False)

    # before a superuser added PostGIS: one line saying what to run, and nothing made
    refused = op.run(migrate, as_app=True, check=False)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr == (
        'error: the database "taocity" lacks the postgis extension; as a superuser run: '
        'CREATE EXTENSION postgis; in database "taocity"\n'
    )
    assert (
        op.sql(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public'"
        )
        == "0"
    )

    op.run(postgis, as_app=False)
    migrated = op.run(migrate, as_app=True)
    assert "database is up to date" in migrated.stdout
    created = op.run(operator_create, as_app=True, stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert "created operator ops@example.com" in created.stdout
    op.run(load_and_reindex, as_app=True)
    # the rebuild holds what the import queued: a fresh worker has nothing to write again
    assert op.sql("SELECT count(*) FROM search_outbox") == "0"
    assert op.sql("SELECT count(*) FROM listings WHERE status = 'published'") == "4"

    processes = procfile()
    web = op.start(processes["web"], tmp_path / "web.log")
    worker = op.start(processes["worker"], tmp_path / "worker.log")
    base = f"http://127.0.0.1:{op.web_port}"
    try:
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, "/healthz to answer 200")

        # a listing changed after start: the worker writes it, the web processes find it
        renamed = csv_text.replace("Test merchant 1,", "Zephyrine noodle house,", 1)
        assert renamed != csv_text
        (app_dir / "renamed.csv").write_text(renamed, encoding="utf-8")
        op.run("taocity import listings renamed.csv --operator ops@example.com", as_app=True)
        listing_id = int(op.sql("SELECT id FROM listings WHERE name->>'en' LIKE 'Zephyrine%'"))
        search = f"{base}/api/v1/search?" + urllib.parse.urlencode({"q": "zephyrine"})

        def found() -> bool:
            status, body = _get(search)
            return status == 200 and [h["id"] for h in body["hits"]] == [listing_id]  # type: ignore[index, attr-defined]

        _wait_for(found, "the renamed listing in search")
        # every serving process reads the worker's index: each new connection finds it
        assert all(found() for _ in range(20))
        _wait_for(
            lambda: _get(f"{base}/healthz")[1].get("search") == {"pending": 0, "oldest_s": 0.0},
            "the outbox to drain",
        )
    finally:
        _stop(web)
        _stop(worker)
    assert web.returncode == 0, (tmp_path / "web.log").read_text()

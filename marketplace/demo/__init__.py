"""Demo data: a believable catalogue of merchants, listings and accounts for any city.

`catalog.py` generates it (pure and deterministic), `seed.py` writes it to the database,
`cli.py` is `taocity demo seed`. This module holds only the shared constants, so importing it
pulls in neither the ORM nor the geometry libraries.
"""

from __future__ import annotations

DEFAULT_COUNT = 600
DEFAULT_SEED = 20261122
# Demo rows are recognised by these, which is what makes seeding idempotent.
EXTERNAL_ID_PREFIX = "demo-"
DEMO_EMAIL_DOMAIN = "demo.taocity.test"

__all__ = ["DEFAULT_COUNT", "DEFAULT_SEED", "DEMO_EMAIL_DOMAIN", "EXTERNAL_ID_PREFIX"]

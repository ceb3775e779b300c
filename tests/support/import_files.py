"""Import files for tests and the import benchmark: valid rows of every vertical, and bad rows of
each kind at known lines."""

from __future__ import annotations

import csv
import io
import json
import random

HEADER = [
    "external_id",
    "vertical",
    "category",
    "name.zh-CN",
    "name.en",
    "address.zh-CN",
    "address.en",
    "lat",
    "lng",
    "hours",
    "offerings",
    "attributes",
    "contact_phone",
    "status",
    "service_area",
]

# one good row per vertical; names get the row number so every row is distinct
GOOD: dict[str, dict[str, str]] = {
    "restaurant": {
        "category": "noodles",
        "hours": "mon-sun 10:00-14:00,17:00-21:30",
        "offerings": "招牌面|Signature noodles|18|tags=signature,spicy; 小馄饨|Wontons|12.5",
        "attributes": '{"cuisine": "local", "avg_price_per_person": "35"}',
    },
    "housekeeping": {
        "category": "cleaning",
        "hours": "mon-sat 08:00-18:00",
        "offerings": (
            "日常保洁|Regular cleaning|120|duration_min=120; "
            "深度保洁|Deep cleaning|380|duration_min=240"
        ),
        "attributes": '{"min_notice_hours": 12, "service_radius_m": 5000}',
    },
    "tutoring": {
        "category": "math",
        "hours": "sat,sun 09:00-18:00; mon-fri 18:00-21:00",
        "offerings": "小学数学一对一|Primary maths 1:1|150|duration_min=90|format=at_centre",
        "attributes": json.dumps(
            {"subjects": ["math"], "grades": ["primary_5", "primary_6"], "formats": ["at_centre"]}
        ),
    },
    "shop": {
        "category": "grocery",
        "hours": "daily 07:00-22:00",
        "offerings": "有机青菜|Organic greens|6.5|stock=40; 土鸡蛋|Farm eggs|18|stock=0",
        "attributes": '{"pickup": true}',
    },
}
VERTICALS = list(GOOD)
BOW_TIE = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [
            [[119.95, 31.77], [119.99, 31.80], [119.99, 31.77], [119.95, 31.80], [119.95, 31.77]]
        ],
    }
)

# (what is wrong, change to a good row, the field the report must name)
BAD_KINDS: list[tuple[str, dict[str, str], str]] = [
    (
        "negative price",
        {"vertical": "shop", "offerings": "盐|Salt|-2|stock=1"},
        "offerings[0].price",
    ),
    (
        "fraction below the fen",
        {"vertical": "shop", "offerings": "盐|Salt|2.555|stock=1"},
        "offerings[0].price",
    ),
    ("unknown vertical", {"vertical": "spa"}, "vertical"),
    ("unknown category", {"vertical": "restaurant", "category": "sushi_train"}, "category"),
    ("latitude of 91", {"lat": "91"}, "lat"),
    ("outside the city", {"lat": "31.49", "lng": "120.31"}, "location"),
    ("overlapping hours", {"hours": "mon 09:00-14:00,13:00-18:00"}, "hours.mon[1]"),
    ("zero-length hours", {"hours": "mon 09:00-09:00"}, "hours.mon[0]"),
    (
        "self-intersecting area",
        {
            "vertical": "housekeeping",
            "attributes": '{"min_notice_hours": 2}',
            "service_area": BOW_TIE,
        },
        "service_area",
    ),
    ("missing name", {"name.zh-CN": ""}, "name.zh-CN"),
]


def _row(n: int, vertical: str, rng: random.Random) -> dict[str, str]:
    good = GOOD[vertical]
    return {
        "external_id": f"ext-{n:05d}",
        "vertical": vertical,
        "category": good["category"],
        "name.zh-CN": f"测试商户{n}号",
        "name.en": f"Test merchant {n}",
        "address.zh-CN": f"人民路{n}号",
        "address.en": f"{n} Renmin Rd",
        # the old town: inside the city whatever the outline's details
        "lat": f"{31.76 + rng.uniform(0, 0.04):.6f}",
        "lng": f"{119.94 + rng.uniform(0, 0.05):.6f}",
        "hours": good["hours"],
        "offerings": good["offerings"],
        "attributes": good["attributes"],
        "contact_phone": f"+86138{n:08d}",
        "status": "published",
        "service_area": "",
    }


def import_csv(rows: int, bad_every: int = 0, seed: int = 7) -> tuple[str, dict[int, str]]:
    """CSV text and, for each bad row, its line number and the field its error must name."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\n")
    writer.writeheader()
    bad: dict[int, str] = {}
    for n in range(rows):
        row = _row(n, VERTICALS[n % len(VERTICALS)], rng)
        if bad_every and n % bad_every == bad_every - 1:
            _, change, field = BAD_KINDS[(n // bad_every) % len(BAD_KINDS)]
            if change.get("vertical") and change["vertical"] in GOOD:
                row.update({k: v for k, v in GOOD[change["vertical"]].items()})
            row.update(change)
            bad[n + 2] = field  # the header is line 1
        writer.writerow(row)
    return out.getvalue(), bad

"""Compact notations that fit in one CSV cell, for hours and offerings.

Hours:     "mon-fri 09:00-21:00; sat,sun 10:00-14:00,17:00-22:00"  ("daily", "closed" too)
Offerings: "日常保洁|Regular cleaning|120|duration=120; 深度保洁|Deep cleaning|380|duration=240"
           names in the city's locale order, then the price in major units, then key=value extras
           ("tags=signature,spicy" is a list).
A cell that starts with "{" or "[" is read as JSON instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from marketplace.errors import ValidationFailed

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$")


def maybe_json(value: Any, field: str) -> Any:
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValidationFailed.on(field, f"not valid JSON: {exc.msg}") from None
    return value


def _days(spec: str, field: str) -> list[str]:
    spec = spec.lower()
    if spec in ("daily", "everyday", "every day"):
        return list(DAYS)
    days: list[str] = []
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        if first not in DAYS or (dash and last not in DAYS):
            raise ValidationFailed.on(field, f"unknown day {part.strip()!r}; use mon..sun")
        if dash:
            i, j = DAYS.index(first), DAYS.index(last)
            days.extend(DAYS[i : j + 1] if i <= j else DAYS[i:] + DAYS[: j + 1])
        else:
            days.append(first)
    return days


def parse_hours(value: Any, field: str = "hours") -> dict[str, list[list[str]]]:
    value = maybe_json(value, field)
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        raise ValidationFailed.on(field, "expected weekly hours")
    weekly: dict[str, list[list[str]]] = {day: [] for day in DAYS}
    for group in filter(None, (g.strip() for g in value.split(";"))):
        if group.lower() == "closed":
            continue
        spec, _, ranges = group.partition(" ")
        if not ranges.strip():
            raise ValidationFailed.on(
                field, f"{group!r}: expected days then times, e.g. mon-fri 09:00-18:00"
            )
        parsed = []
        for text in ranges.split(","):
            match = _RANGE.match(text.strip())
            if not match:
                raise ValidationFailed.on(
                    field, f"{text.strip()!r} is not a time range like 09:00-18:00"
                )
            parsed.append([match.group(1), match.group(2)])
        for day in _days(spec, field):
            weekly[day].extend(parsed)
    return weekly


def parse_offerings(
    value: Any, locales: Sequence[str], field: str = "offerings"
) -> list[dict[str, Any]]:
    value = maybe_json(value, field)
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        raise ValidationFailed.on(field, "expected a list of offerings")
    items = []
    for index, text in enumerate(filter(None, (t.strip() for t in value.split(";")))):
        parts = [p.strip() for p in text.split("|")]
        if len(parts) < len(locales) + 1:
            raise ValidationFailed.on(
                f"{field}[{index}]",
                f"expected {' | '.join(locales)} | price, got {text!r}",
            )
        item: dict[str, Any] = {
            "name": dict(zip(locales, parts[: len(locales)], strict=True)),
            "price": parts[len(locales)],
        }
        for extra in parts[len(locales) + 1 :]:
            key, eq, val = extra.partition("=")
            if not eq or not key.strip():
                raise ValidationFailed.on(f"{field}[{index}]", f"expected key=value, got {extra!r}")
            key = key.strip()
            # tags are a list: "tags=signature,spicy"
            item[key] = (
                [t.strip() for t in val.split(",") if t.strip()] if key == "tags" else val.strip()
            )
        items.append(item)
    return items

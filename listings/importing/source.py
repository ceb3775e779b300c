"""Reading an import file into raw rows, each with the line number a person would look for."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marketplace.errors import FieldError, ValidationFailed
from marketplace.input_bounds import text_problems

FORMATS = ("csv", "jsonl")


@dataclass(frozen=True)
class RawRow:
    line: int
    data: dict[str, Any]
    # problems found while reading (bad JSON on a line, a CSV row with extra cells)
    errors: list[FieldError] = field(default_factory=list)


def detect_format(name: str, declared: str | None = None) -> str:
    fmt = (declared or Path(name).suffix.lstrip(".")).lower()
    if fmt in ("ndjson", "jsonlines"):
        fmt = "jsonl"
    if fmt not in FORMATS:
        raise ValidationFailed.on("file", f"unknown format {fmt!r}; use .csv or .jsonl")
    return fmt


def read_rows(text: str, fmt: str) -> Iterator[RawRow]:
    return _csv_rows(text) if fmt == "csv" else _jsonl_rows(text)


def _csv_rows(text: str) -> Iterator[RawRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), restkey="(extra)")
    if not reader.fieldnames:
        return
    for record in reader:
        # the header is line 1; a quoted cell may span lines, so ask the reader where it is
        line = reader.line_num
        extra = record.pop("(extra)", None)
        data = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in record.items() if k}
        data = {k: v for k, v in data.items() if v not in ("", None)}
        if not data and not extra:
            continue  # blank line
        errors = [FieldError("(row)", f"{len(extra)} more cells than the header")] if extra else []
        errors += _unstorable(data)
        yield RawRow(line, _unflatten(data), errors)


def _jsonl_rows(text: str) -> Iterator[RawRow]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRow(number, {}, [FieldError("(row)", f"not valid JSON: {exc.msg}")])
            continue
        if not isinstance(value, dict):
            yield RawRow(number, {}, [FieldError("(row)", "must be a JSON object")])
            continue
        yield RawRow(number, value, _unstorable(value))


def _unstorable(data: dict[str, Any]) -> list[FieldError]:
    """Cells holding NUL or other control characters: no database stores them as text (and
    PostgreSQL refuses NUL outright), so the row is refused naming the column."""
    return [
        FieldError(".".join(str(part) for part in where) or "(row)", reason)
        for where, reason in text_problems(data)
    ]


def _unflatten(data: dict[str, Any]) -> dict[str, Any]:
    """CSV headers such as `name.zh-CN` become nested objects: {"name": {"zh-CN": ...}}."""
    nested: dict[str, Any] = {}
    for key, value in data.items():
        head, dot, rest = key.partition(".")
        if dot:
            target = nested.setdefault(head, {})
            if isinstance(target, dict):
                target[rest] = value
        else:
            nested[key] = value
    return nested

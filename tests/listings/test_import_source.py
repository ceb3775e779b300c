"""Reading import files: line numbers, nested CSV headers, compact hours and offerings cells."""

from __future__ import annotations

import pytest

from listings.importing.cells import parse_hours, parse_offerings
from listings.importing.source import detect_format, read_rows
from marketplace.errors import ValidationFailed

CSV = (
    "\ufeffexternal_id,vertical,name.zh-CN,name.en,lat,lng\n"
    "a-1,restaurant,银丝面馆,Silver Noodles,31.77,119.95\n"
    "\n"
    'a-2,shop,"社区\n生鲜",Fresh,31.78,119.96\n'
    "a-3,shop,多,Extra,31.78,119.96,surplus\n"
)


def test_csv_rows_carry_their_line_numbers_and_nested_names() -> None:
    rows = list(read_rows(CSV, "csv"))
    assert [r.line for r in rows] == [2, 5, 6]  # the quoted cell spans lines 4-5
    assert rows[0].data["name"] == {"zh-CN": "银丝面馆", "en": "Silver Noodles"}
    assert rows[0].data["lat"] == "31.77"
    assert rows[1].data["name"]["zh-CN"] == "社区\n生鲜"
    assert rows[2].errors and "more cells than the header" in rows[2].errors[0].reason


def test_jsonl_rows_report_bad_lines_without_stopping() -> None:
    text = '{"external_id": "x"}\n\nnot json\n[1, 2]\n{"external_id": "y"}\n'
    rows = list(read_rows(text, "jsonl"))
    assert [(r.line, bool(r.errors)) for r in rows] == [
        (1, False),
        (3, True),
        (4, True),
        (5, False),
    ]
    assert "not valid JSON" in rows[1].errors[0].reason
    assert rows[2].errors[0].reason == "must be a JSON object"


def test_format_comes_from_the_name_or_is_refused() -> None:
    assert detect_format("merchants.CSV") == "csv"
    assert detect_format("x.ndjson") == "jsonl"
    with pytest.raises(ValidationFailed) as err:
        detect_format("merchants.xlsx")
    assert err.value.errors[0].field == "file"


def test_compact_hours() -> None:
    hours = parse_hours("mon-fri 09:00-14:00, 17:00-21:30; sat,sun 10:00-22:00")
    assert hours["mon"] == [["09:00", "14:00"], ["17:00", "21:30"]]
    assert hours["fri"] == hours["mon"] and hours["sat"] == [["10:00", "22:00"]]
    assert parse_hours("fri-mon 18:00-02:00")["sun"] == [["18:00", "02:00"]]
    assert parse_hours("fri-mon 18:00-02:00")["wed"] == []
    assert parse_hours("daily 00:00-24:00")["thu"] == [["00:00", "24:00"]]
    assert parse_hours('{"mon": [["08:00", "18:00"]]}') == {"mon": [["08:00", "18:00"]]}


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("funday 09:00-10:00", "unknown day"),
        ("mon 9am-5pm", "not a time range"),
        ("mon-fri", "expected days then times"),
        ('{"mon": ', "not valid JSON"),
    ],
)
def test_bad_hours_cells_name_the_field(text: str, reason_part: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_hours(text)
    assert err.value.errors[0].field == "hours"
    assert reason_part in err.value.errors[0].reason


def test_compact_offerings() -> None:
    items = parse_offerings(
        "日常保洁|Regular cleaning|120|duration_min=120; 深度保洁|Deep cleaning|380.5",
        ["zh-CN", "en"],
    )
    assert items == [
        {
            "name": {"zh-CN": "日常保洁", "en": "Regular cleaning"},
            "price": "120",
            "duration_min": "120",
        },
        {"name": {"zh-CN": "深度保洁", "en": "Deep cleaning"}, "price": "380.5"},
    ]
    with pytest.raises(ValidationFailed) as err:
        parse_offerings("只有名字|Name only", ["zh-CN", "en"])
    assert err.value.errors[0].field == "offerings[0]"
    with pytest.raises(ValidationFailed) as err:
        parse_offerings("a|b|1|oops", ["zh-CN", "en"])
    assert "key=value" in err.value.errors[0].reason

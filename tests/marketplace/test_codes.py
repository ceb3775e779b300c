"""Short codes: generation, what people type and scanners read, and the QR images."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from marketplace.codes import (
    ALPHABET,
    CODE_LENGTH,
    display_code,
    new_code,
    normalise_code,
    qr_png,
    qr_svg,
)

SVG_NS = "{http://www.w3.org/2000/svg}"


class TestAlphabet:
    def test_no_confusable_characters_and_no_vowels(self) -> None:
        assert not set(ALPHABET) & set("0O1IL")
        assert not set(ALPHABET) & set("AEIOUY")
        assert len(set(ALPHABET)) == len(ALPHABET) == 27
        assert ALPHABET == ALPHABET.upper()


class TestNewCode:
    def test_shape(self) -> None:
        for _ in range(500):
            code = new_code()
            assert len(code) == CODE_LENGTH
            assert set(code) <= set(ALPHABET)
            assert normalise_code(code) == code

    def test_codes_differ_and_use_the_whole_alphabet(self) -> None:
        codes = {new_code() for _ in range(2_000)}
        assert len(codes) == 2_000
        assert set("".join(codes)) == set(ALPHABET)


class TestDisplay:
    def test_grouped_in_fours(self) -> None:
        assert display_code("BCD2FGH3") == "BCD2-FGH3"
        assert display_code("bcd2 fgh3") == "BCD2-FGH3"
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", display_code(new_code()))

    def test_not_a_code(self) -> None:
        with pytest.raises(ValueError, match="is not a code"):
            display_code("HELLO")


class TestNormalise:
    @pytest.mark.parametrize(
        "text",
        [
            "BCD2FGH3",
            "bcd2fgh3",
            "BCD2-FGH3",
            "bcd2-fgh3",
            "  bcd2 fgh3 ",
            "B C D 2 F G H 3",
            "bcd2\tfgh3\n",
            "BCD2--FGH3",
            "BCD2_FGH3",
            "BCD2–FGH3",  # en dash
            "BCD2—FGH3",  # em dash, what a Chinese keyboard's dash key gives
            "BCD2−FGH3",  # minus sign
            "ＢＣＤ２ＦＧＨ３",  # full-width letters and digits
            "ｂｃｄ２－ｆｇｈ３",  # full-width lower case and hyphen
            "ＢＣＤ２\u3000ＦＧＨ３",  # ideographic space
            "BCD2·FGH3",
            "BCD2ーFGH3",  # katakana long mark, often typed for a dash
        ],
    )
    def test_accepted_forms(self, text: str) -> None:
        assert normalise_code(text) == "BCD2FGH3"

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "   ",
            "BCD2FGH",  # too short
            "BCD2FGH3X",  # too long
            "BCD0FGH3",  # 0 is never in a code
            "BCDOFGH3",  # nor O
            "BCD1FGH3",
            "BCDIFGH3",
            "BCDLFGH3",
            "BCDAFGH3",  # vowels are not in the alphabet
            "BCDYFGH3",
            "BCD2/FGH3",
            "BCD2.FGH3",
            "BCD2FGH3!",
            "常州BCD2FGH3",
            "ＢＣＤ２ＦＧＨ",
            "BCD2" + " " * 100 + "FGH3",  # absurdly long input
        ],
    )
    def test_refused(self, text: str) -> None:
        assert normalise_code(text) is None

    @pytest.mark.parametrize("value", [None, 12345678, b"BCD2FGH3", ["BCD2FGH3"]])
    def test_not_text(self, value: object) -> None:
        assert normalise_code(value) is None

    def test_round_trip_through_the_display_form(self) -> None:
        for _ in range(200):
            code = new_code()
            assert normalise_code(display_code(code)) == code
            assert normalise_code(display_code(code).lower()) == code


class TestQr:
    def test_svg_is_well_formed_with_a_view_box_and_a_title(self) -> None:
        svg = qr_svg("BCD2FGH3")
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG_NS}svg"
        assert re.fullmatch(r"0 0 (\d+) \1", root.get("viewBox", ""))
        assert root.get("width") is None  # sized by the page through the viewBox
        assert root.findtext(f"{SVG_NS}title") == "BCD2-FGH3"
        assert root.find(f"{SVG_NS}path") is not None
        assert not svg.startswith("<?xml")  # fit to put inline in a page
        assert "<script" not in svg and "href" not in svg

    def test_version_one_with_the_quiet_zone(self) -> None:
        # 21 modules of a version 1 symbol and 4 of quiet zone on each side
        assert 'viewBox="0 0 29 29"' in qr_svg(new_code())

    def test_same_code_same_image_and_different_codes_differ(self) -> None:
        assert qr_svg("BCD2FGH3") == qr_svg("BCD2FGH3")
        assert qr_svg("bcd2-fgh3") == qr_svg("BCD2FGH3")
        assert qr_png("BCD2FGH3") == qr_png("bcd2 fgh3")
        paths = {
            ET.fromstring(qr_svg(code)).find(f"{SVG_NS}path").get("d")  # type: ignore[union-attr]
            for code in ("BCD2FGH3", "BCD2FGH4", "ZXWV9876")
        }
        assert len(paths) == 3
        assert qr_png("BCD2FGH3") != qr_png("BCD2FGH4")

    def test_png(self) -> None:
        data = qr_png("BCD2FGH3")
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (29 * 8, 29 * 8)
        with Image.open(io.BytesIO(qr_png("BCD2FGH3", scale=4))) as image:
            assert image.size == (29 * 4, 29 * 4)

    def test_not_a_code(self) -> None:
        with pytest.raises(ValueError):
            qr_svg("BCD0FGH3")
        with pytest.raises(ValueError):
            qr_png("")

"""Short codes a resident shows in the store (a booking's or an order's), and their QR images.

A code is 8 characters from an alphabet without the characters people confuse (0/O, 1/I/L) and
without vowels (A E I O U Y), so no code spells a word. It is shown as `XXXX-XXXX`; what a
person types or a scanner reads is accepted in lower case, with spaces or dashes, and in the
full-width forms a Chinese keyboard produces. A 0, O, 1, I or L never occurs in a code, so text
containing one is refused rather than guessed at.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata

import segno

ALPHABET = "23456789BCDFGHJKMNPQRSTVWXZ"
CODE_LENGTH = 8
_MAX_INPUT = 64  # longer text is not a code, whatever it contains

# spaces and dashes people and scanners put between the groups; NFKC has already turned the
# full-width ones into their ASCII forms
_SEPARATORS = re.compile(r"[\s\-_\u2010-\u2015\u2212\u30fc\u00b7]+")


def new_code() -> str:
    """A fresh random code in canonical form (27**8, about 2.8e11, possibilities); uniqueness
    is the database's job."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: object) -> str | None:
    """The canonical 8 characters of `text` ("bcd2 fgh3", "BCD2-FGH3", full-width "ｂｃｄ２"...),
    or None when it cannot be a code."""
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    cleaned = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if len(cleaned) != CODE_LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def _canonical(code: str) -> str:
    canonical = normalise_code(code)
    if canonical is None:
        raise ValueError(f"{code!r} is not a code")
    return canonical


def display_code(code: str) -> str:
    """`XXXX-XXXX`, the form shown to people."""
    canonical = _canonical(code)
    half = CODE_LENGTH // 2
    return f"{canonical[:half]}-{canonical[half:]}"


def _qr(code: str) -> segno.QRCode:
    # the canonical form only uses QR's alphanumeric mode, so the symbol stays small (version 1)
    return segno.make_qr(_canonical(code), error="m")


def qr_svg(code: str) -> str:
    """An SVG of the code's QR symbol to put inline in a page: sized by CSS through its viewBox,
    titled with the code as shown, with the quiet zone around it."""
    out = io.BytesIO()
    _qr(code).save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        nl=False,
        border=4,
        title=display_code(code),
        svgclass="qr-code",
        lineclass=None,
    )
    return out.getvalue().decode("utf-8")


def qr_png(code: str, *, scale: int = 8) -> bytes:
    """A PNG of the code's QR symbol, `scale` pixels per module, for e-mails and downloads."""
    out = io.BytesIO()
    _qr(code).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()

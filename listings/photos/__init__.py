"""Listing photos: uploads checked and re-encoded without metadata, stored by content.

Vocabulary only; importing this module never pulls in the ORM or Pillow.
"""

from __future__ import annotations

from enum import StrEnum


class Size(StrEnum):
    """The renditions stored for every photo, named by their longest side."""

    ORIGINAL = "original"  # the upload re-encoded, its longest side capped
    LARGE = "960"  # listing pages, a dish or product opened on a phone
    SMALL = "320"  # cards in lists and on the map


LONGEST_SIDE: dict[Size, int] = {Size.ORIGINAL: 2048, Size.LARGE: 960, Size.SMALL: 320}

# Everything is stored as JPEG: every phone browser, WeChat's built-in one included, shows it,
# and a photo of food or a shop gains little from WebP's ~25 % smaller files at this quality.
STORED_CONTENT_TYPE = "image/jpeg"
STORED_SUFFIX = ".jpg"

MAX_BYTES = 10 * 1024 * 1024
MIN_SIDE = 200
# A 40-megapixel RGBA image decodes to 160 MB; anything larger is refused before decoding.
MAX_PIXELS = 40_000_000


def storage_key(sha256: str, size: Size) -> str:
    """Where one rendition lives; the content's hash in the key means it never changes."""
    return f"photos/{sha256[:2]}/{sha256}/{size.value}{STORED_SUFFIX}"


__all__ = [
    "LONGEST_SIDE",
    "MAX_BYTES",
    "MAX_PIXELS",
    "MIN_SIDE",
    "STORED_CONTENT_TYPE",
    "STORED_SUFFIX",
    "Size",
    "storage_key",
]

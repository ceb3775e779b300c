"""Turns uploaded bytes into clean JPEG renditions, or refuses them with a reason.

What a file is gets decided by its bytes alone (Pillow's detected format), never by its name or
declared type. Every rendition is re-encoded from pixels, so no EXIF (GPS included), XMP, comment
or ICC profile from the upload survives; colours are converted to sRGB first so that dropping the
profile does not change how the photo looks.

CPU-bound and blocking: call it from a worker thread.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import threading
import zlib
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from listings.photos import LONGEST_SIDE, MAX_BYTES, MAX_PIXELS, MIN_SIDE, Size
from listings.photos.errors import ImageRejected

FIELD = "file"
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# Cameras write multi-picture JPEGs (MPO); Pillow names them apart, but they are JPEG files.
_JPEG_FAMILY = frozenset({"JPEG", "MPO"})
JPEG_QUALITY = 85
# Transparent parts of a logo or product cut-out land on white, the colour of our cards.
BACKGROUND = (255, 255, 255)

NOT_AN_IMAGE = "not a JPEG, PNG or WebP image"
DAMAGED = "damaged or incomplete image"
EMPTY = "is empty"

# What Pillow raises on a damaged file, depending on the format and where the damage is.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)
_SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
_ICC_MODES = frozenset({"RGB", "RGBA", "CMYK"})
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# A decoded 40-megapixel image with its working copies takes a few hundred MB: a burst of big
# uploads waits for a slot instead of taking the process's memory all at once.
_DECODE_SLOTS = threading.BoundedSemaphore(2)


@dataclass(frozen=True)
class Rendition:
    size: Size
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    """The renditions of one upload; `sha256` is the hash of the ORIGINAL rendition's bytes."""

    sha256: str
    source_format: str
    renditions: dict[Size, Rendition]

    @property
    def original(self) -> Rendition:
        return self.renditions[Size.ORIGINAL]


def too_large_reason(max_bytes: int) -> str:
    return f"larger than {max_bytes / (1024 * 1024):g} MB"


def process_image(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    min_side: int = MIN_SIDE,
) -> ProcessedImage:
    """Check `data` and re-encode it; raises ImageRejected (field `file`) on anything wrong."""
    # Size first: nothing is decoded, or even parsed, for a file over the limit.
    if len(data) > max_bytes:
        raise ImageRejected.on(FIELD, too_large_reason(max_bytes))
    if not data:
        raise ImageRejected.on(FIELD, EMPTY)
    image = _open(data, max_pixels=max_pixels, min_side=min_side)
    try:
        with _DECODE_SLOTS:
            pixels = _decode(image)
    finally:
        image.close()
    renditions = _renditions(pixels)
    original = renditions[Size.ORIGINAL]
    return ProcessedImage(
        sha256=hashlib.sha256(original.data).hexdigest(),
        source_format="JPEG" if image.format in _JPEG_FAMILY else str(image.format),
        renditions=renditions,
    )


def _open(data: bytes, *, max_pixels: int, min_side: int) -> Image.Image:
    """Identify the file from its header only: no pixel is decoded here."""
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError:
        raise ImageRejected.on(FIELD, NOT_AN_IMAGE) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own ceiling (far above ours) stops the most absurd headers before we see them;
        # its warning is an exception too when warnings are turned into errors.
        raise ImageRejected.on(FIELD, _too_many_pixels(max_pixels)) from None
    except _DECODE_ERRORS:
        raise ImageRejected.on(FIELD, DAMAGED) from None
    if image.format not in _JPEG_FAMILY | {"PNG", "WEBP"}:
        image.close()
        raise ImageRejected.on(FIELD, NOT_AN_IMAGE)
    width, height = image.size
    # Our limit sits below Pillow's warning threshold, so a header that makes Pillow warn about
    # a decompression bomb is always refused here, before a single pixel is decoded.
    if width * height > max_pixels:
        image.close()
        raise ImageRejected.on(FIELD, _too_many_pixels(max_pixels))
    if min(width, height) < min_side:
        image.close()
        raise ImageRejected.on(FIELD, f"too small: at least {min_side}×{min_side} pixels")
    return image


def _too_many_pixels(max_pixels: int) -> str:
    return f"too many pixels (over {max_pixels / 1_000_000:g} megapixels)"


def _decode(image: Image.Image) -> Image.Image:
    """Decoded pixels, upright, in RGB on white, in sRGB, and carrying no metadata."""
    if image.format in _JPEG_FAMILY:
        # Let libjpeg decode a big camera photo at 1/2, 1/4 or 1/8 scale, never below what the
        # largest rendition needs: far less memory and time than decoding it whole.
        image.draft(None, _fitted(image.size, LONGEST_SIDE[Size.ORIGINAL]))
    try:
        upright = ImageOps.exif_transpose(image)  # decodes the pixels
    except _DECODE_ERRORS:
        raise ImageRejected.on(FIELD, DAMAGED) from None
    icc = image.info.get("icc_profile")
    try:
        return _clean_rgb(upright, icc if isinstance(icc, bytes) else None)
    finally:
        upright.close()


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled to fit a `side`×`side` box (never enlarged), rounded up."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _clean_rgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if image.mode in _SIXTEEN_BIT_MODES:
        # 16-bit grey would clip to white in a plain conversion: scale it to 8 bits first.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    alpha = image.has_transparency_data
    if alpha:
        image = image.convert("RGBA")
    elif image.mode not in {"RGB", "CMYK"}:
        image = image.convert("RGB")  # palette and 1-bit images too: they only resize crudely
    # Down to the largest rendition before any colour work: a 40-megapixel PNG is 4 from here.
    side = LONGEST_SIDE[Size.ORIGINAL]
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    if icc is not None and image.mode in _ICC_MODES:
        image = _to_srgb(image, icc)
    if image.mode == "CMYK":
        image = image.convert("RGB")
    if alpha:
        background = Image.new("RGBA", image.size, (*BACKGROUND, 255))
        image = Image.alpha_composite(background, image.convert("RGBA")).convert("RGB")
    # A fresh image from the pixels alone: nothing from the file's info can reach an encoder.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken or unusual profile: the pixels as they are beat refusing the photo.
        return image
    return converted if converted is not None else image


def _renditions(pixels: Image.Image) -> dict[Size, Rendition]:
    renditions: dict[Size, Rendition] = {}
    # Largest first, each scaled from the previous one: cheaper, and it looks the same.
    current = pixels
    for size in sorted(Size, key=lambda s: LONGEST_SIDE[s], reverse=True):
        side = LONGEST_SIDE[size]
        scaled = current.copy()
        scaled.thumbnail((side, side), Image.Resampling.LANCZOS)  # never enlarges
        renditions[size] = Rendition(size, _encode(scaled), scaled.width, scaled.height)
        current = scaled
    return renditions


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or xmp= arguments: Pillow's JPEG writer adds metadata only from those.
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()

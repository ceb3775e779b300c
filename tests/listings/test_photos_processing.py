"""Photo processing without a database: what is accepted, what comes out, what is refused.

The image builders here are shared with the photo service and API tests.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms

from listings.photos import MAX_BYTES, Size
from listings.photos.errors import ImageRejected
from listings.photos.processing import process_image

RED = (220, 20, 20)
BLUE = (20, 20, 220)
WHITE = (255, 255, 255)


def two_halves(
    width: int, height: int, left: tuple[int, ...], right: tuple[int, ...], mode: str
) -> Image.Image:
    """An image whose left half is one colour and right half another: its orientation shows."""
    image = Image.new(mode, (width, height), left)
    image.paste(Image.new(mode, (width - width // 2, height), right), (width // 2, 0))
    return image


def encoded(image: Image.Image, format: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


def jpeg(width: int = 800, height: int = 600, colour: tuple[int, int, int] = RED) -> bytes:
    return encoded(Image.new("RGB", (width, height), colour), "JPEG", quality=90)


def camera_jpeg() -> bytes:
    """400×300 stored sideways (orientation 6: turn 90° clockwise to view), with GPS and XMP."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 48.0, 39.6)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (119.0, 58.0, 26.4)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    image = two_halves(400, 300, RED, BLUE, "RGB")
    return encoded(image, "JPEG", quality=95, exif=exif, xmp=xmp, comment=b"shot at home")


def png_with_alpha() -> bytes:
    """Left half fully transparent, right half opaque blue."""
    return encoded(two_halves(400, 400, (0, 0, 0, 0), (*BLUE, 255), "RGBA"), "PNG")


def webp() -> bytes:
    return encoded(Image.new("RGB", (500, 500), BLUE), "WEBP", quality=90)


def gif() -> bytes:
    return encoded(Image.new("RGB", (400, 400), RED), "GIF")


def truncated_jpeg() -> bytes:
    data = encoded(two_halves(1200, 900, RED, BLUE, "RGB"), "JPEG", quality=90)
    return data[: len(data) // 2]


def oversized_file() -> bytes:
    """A valid JPEG padded past 12 MB: it is refused for its size, not for what it is."""
    return jpeg() + b"\0" * (12 * 1024 * 1024)


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG declaring huge dimensions: a decompression bomb's header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# name -> (bytes, a word the reason must contain)
REFUSED: dict[str, tuple[bytes, str]] = {
    "gif": (gif(), "not a JPEG, PNG or WebP"),
    "text named .jpg": ("菜单：牛肉面 18 元\n".encode() * 50, "not a JPEG, PNG or WebP"),
    "truncated jpeg": (truncated_jpeg(), "damaged"),
    "12 MB": (oversized_file(), "larger than 10 MB"),
    "bomb past pillow's limit": (png_header_only(20_000, 20_000), "megapixels"),
    "bomb past our limit": (png_header_only(10_000, 5_000), "megapixels"),
    "50x50": (jpeg(50, 50), "too small"),
    "empty": (b"", "empty"),
}


def read(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel: object, colour: tuple[int, int, int], tolerance: int = 12) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def test_camera_jpeg_is_turned_upright_and_loses_all_metadata() -> None:
    source = camera_jpeg()
    # The test image really carries what must be removed.
    with Image.open(io.BytesIO(source)) as before:
        assert before.getexif()[ExifTags.Base.Orientation] == 6
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "xmp" in before.info

    result = process_image(source)

    for rendition in result.renditions.values():
        image = read(rendition.data)
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        assert b"Exif" not in rendition.data and b"PhoneMaker" not in rendition.data
        assert b"xmpmeta" not in rendition.data and b"shot at home" not in rendition.data
    upright = read(result.original.data)
    assert upright.size == (300, 400)  # turned from 400×300
    # Turned clockwise, the stored left half (red) is now on top.
    assert near(upright.getpixel((150, 50)), RED)
    assert near(upright.getpixel((150, 350)), BLUE)


def test_png_transparency_is_flattened_onto_white() -> None:
    result = process_image(png_with_alpha())
    image = read(result.original.data)
    assert image.mode == "RGB" and image.size == (400, 400)
    assert near(image.getpixel((50, 200)), WHITE)
    assert near(image.getpixel((350, 200)), BLUE)
    assert result.source_format == "PNG"


def test_webp_is_accepted_and_stored_as_jpeg() -> None:
    result = process_image(webp())
    image = read(result.original.data)
    assert result.source_format == "WEBP"
    assert image.format == "JPEG" and image.size == (500, 500)
    assert near(image.getpixel((250, 250)), BLUE)


def test_renditions_cap_the_longest_side_and_keep_the_shape() -> None:
    result = process_image(jpeg(3000, 2000))
    expected = {Size.ORIGINAL: 2048, Size.LARGE: 960, Size.SMALL: 320}
    for size, longest in expected.items():
        rendition = result.renditions[size]
        image = read(rendition.data)
        assert image.size == (rendition.width, rendition.height)
        assert image.width == longest
        assert abs(image.height - longest * 2 / 3) <= 1


def test_portrait_renditions_cap_the_height() -> None:
    result = process_image(jpeg(1000, 4000))
    assert (result.original.width, result.original.height) == (512, 2048)
    assert result.renditions[Size.SMALL].height == 320


def test_small_images_are_never_enlarged() -> None:
    result = process_image(jpeg(300, 250))
    assert {(r.width, r.height) for r in result.renditions.values()} == {(300, 250)}


def test_the_hash_names_the_stored_original_and_is_stable() -> None:
    source = camera_jpeg()
    first, second = process_image(source), process_image(source)
    assert first.sha256 == second.sha256
    assert first.sha256 == hashlib.sha256(first.original.data).hexdigest()
    assert process_image(jpeg()).sha256 != first.sha256


def test_sixteen_bit_grey_keeps_its_tone() -> None:
    grey = Image.new("I;16", (300, 300), 32768)  # mid grey in 16 bits
    pixel = read(process_image(encoded(grey, "PNG")).original.data).getpixel((150, 150))
    assert near(pixel, (128, 128, 128), tolerance=3)


def test_cmyk_jpeg_and_an_embedded_profile_become_plain_rgb() -> None:
    cmyk = encoded(Image.new("CMYK", (300, 300), (0, 255, 255, 0)), "JPEG")  # red in ink
    assert read(process_image(cmyk).original.data).mode == "RGB"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with_profile = encoded(Image.new("RGB", (300, 300), RED), "JPEG", icc_profile=srgb)
    result = read(process_image(with_profile).original.data)
    assert "icc_profile" not in result.info
    assert near(result.getpixel((150, 150)), RED)


@pytest.mark.parametrize("name", REFUSED)
def test_refused_uploads_name_the_file_field(name: str) -> None:
    data, reason = REFUSED[name]
    with pytest.raises(ImageRejected) as refused:
        process_image(data)
    [error] = refused.value.errors
    assert error.field == "file"
    assert reason in error.reason


def test_a_bomb_pillow_only_warns_about_is_refused_whether_or_not_warnings_are_errors() -> None:
    bomb = png_header_only(10_000, 10_000)  # 100 megapixels: Pillow warns, it does not refuse
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(ImageRejected, match="mega"):
        process_image(bomb)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(ImageRejected, match="megapixels"):
            process_image(bomb)


def test_the_size_limit_is_checked_before_anything_is_parsed() -> None:
    # Not an image at all, yet the answer is about its size: nothing looked inside.
    with pytest.raises(ImageRejected, match="larger than"):
        process_image(b"x" * (MAX_BYTES + 1))
    with pytest.raises(ImageRejected, match="larger than 1 MB"):
        process_image(oversized_file()[: 2 * 1024 * 1024], max_bytes=1024 * 1024)

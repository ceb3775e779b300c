"""Errors of listing photos."""

from __future__ import annotations

from marketplace.errors import NotFound, ValidationFailed


class ImageRejected(ValidationFailed):
    """The uploaded file cannot become a photo; always reported on the field `file`."""

    code = "invalid_image"


class PhotoNotFound(NotFound):
    code = "photo_not_found"

"""Vocabulary of the listings domain."""

from __future__ import annotations

from enum import StrEnum


class Vertical(StrEnum):
    RESTAURANT = "restaurant"
    HOUSEKEEPING = "housekeeping"
    TUTORING = "tutoring"
    SHOP = "shop"


class MerchantStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SUSPENDED = "suspended"


class ListingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    HIDDEN = "hidden"


class OfferingKind(StrEnum):
    DISH = "dish"
    SERVICE = "service"
    LESSON = "lesson"
    PRODUCT = "product"

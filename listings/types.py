"""Vocabulary of the listings domain."""

from __future__ import annotations

from enum import StrEnum

# the city's configuration names the verticals too, so the enum lives in the kernel
from marketplace.verticals import Vertical as Vertical


class MerchantStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
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


# What each vertical sells: a restaurant's menu holds dishes, a tutor's catalogue lessons.
KIND_FOR_VERTICAL: dict[Vertical, OfferingKind] = {
    Vertical.RESTAURANT: OfferingKind.DISH,
    Vertical.HOUSEKEEPING: OfferingKind.SERVICE,
    Vertical.TUTORING: OfferingKind.LESSON,
    Vertical.SHOP: OfferingKind.PRODUCT,
}


class ListingAction(StrEnum):
    """What an audit entry records."""

    CREATED = "created"
    UPDATED = "updated"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    HIDDEN = "hidden"
    RESTORED = "restored"
    OFFERING_ADDED = "offering_added"
    OFFERING_UPDATED = "offering_updated"
    OFFERING_REMOVED = "offering_removed"


class ServiceAreaMode(StrEnum):
    """How a travelling listing describes where it goes: drawn on a map, or a radius around
    its own point (recomputed whenever the point moves)."""

    POLYGON = "polygon"
    RADIUS = "radius"


class LessonFormat(StrEnum):
    AT_HOME = "at_home"  # the tutor travels: needs a service area
    AT_CENTRE = "at_centre"
    ONLINE = "online"


class DishTag(StrEnum):
    SIGNATURE = "signature"  # 招牌
    SPICY = "spicy"  # 辣
    VEGETARIAN = "vegetarian"  # 素
    NEW = "new"  # 新品


# School years as residents search for them (小学三年级 = primary_3); ordered youngest first.
GRADES: tuple[str, ...] = (
    "preschool",
    *(f"primary_{n}" for n in range(1, 7)),
    *(f"junior_{n}" for n in range(1, 4)),
    *(f"senior_{n}" for n in range(1, 4)),
    "adult",
)

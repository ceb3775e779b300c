"""A deterministic demo catalogue for any configured city: listings, places, hours, offerings.

Pure: no database, no clock. Every random draw comes from one `random.Random(seed)` taken in a
fixed order, so the same city, count and seed give the same catalogue, value for value.
Everything city-specific (districts, landmarks, categories, currency, locales) is read from the
`City`; the word pools in `names.py` are generic.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import Polygon

from geo.areas import District, pick_name
from geo.coords import LatLng
from geo.distance import destination
from listings.service_area import radius_area
from listings.types import GRADES, DishTag, OfferingKind, ServiceAreaMode, Vertical
from marketplace.city import Category, City, Landmark
from marketplace.demo import DEFAULT_COUNT, DEFAULT_SEED, EXTERNAL_ID_PREFIX
from marketplace.demo import names as pool
from marketplace.demo.names import FALLBACK, Item, Phrase
from marketplace.errors import MarketplaceError

Names = dict[str, str]
Hours = dict[str, list[list[str]]]
# what a vertical's builder returns: name, offerings, hours, attributes, tags
Built = tuple[Names, list["DemoOffering"], Hours, dict[str, Any], list[str]]

SHARES: dict[Vertical, float] = {
    Vertical.RESTAURANT: 0.40,
    Vertical.HOUSEKEEPING: 0.20,
    Vertical.TUTORING: 0.15,
    Vertical.SHOP: 0.25,
}
# how often a listing sits near a landmark or the centre rather than anywhere in its district;
# services that travel to the customer are spread out more than places people walk into
NEAR_ANCHOR: dict[Vertical, float] = {
    Vertical.RESTAURANT: 0.8,
    Vertical.HOUSEKEEPING: 0.5,
    Vertical.TUTORING: 0.6,
    Vertical.SHOP: 0.7,
}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = DAYS[:5]
SERVICE_RADIUS_M = (3000, 8000)
JITTER_SIGMA_M = (800.0, 2000.0)
# 6 decimals is about 0.1 m: plenty for a shop, and short in JSON and URLs
COORD_DIGITS = 6
DISH_PRICE_RANGE = (8, 168)  # whole major units
SPICY_CATEGORIES = frozenset({"hotpot", "bbq", "noodles", "snacks"})
ANCHOR_TRIES = 60
UNIFORM_TRIES = 20_000
NAME_TRIES = 40


class DemoError(MarketplaceError):
    code = "demo"


@dataclass(frozen=True)
class DemoOffering:
    kind: OfferingKind
    name: Names
    price: int  # integer minor units of the city's currency
    duration_min: int | None = None
    stock: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoListing:
    external_id: str
    vertical: Vertical
    category: str
    name: Names
    description: Names
    address: Names
    point: LatLng
    district: str
    weekly_hours: Hours
    attributes: dict[str, Any]
    tags: list[str]
    rating_avg: float | None
    rating_count: int
    offerings: tuple[DemoOffering, ...]
    service_area: Polygon | None = None


# --- words in every locale ---------------------------------------------------------------------


def _is_chinese(locale: str) -> bool:
    return locale.split("-")[0].lower() == "zh"


def say(phrase: Phrase, locales: Sequence[str]) -> Names:
    """The phrase in each locale: Chinese for zh-*, English for everything else."""
    return {loc: phrase.zh if _is_chinese(loc) else phrase.en for loc in locales}


def render(template: Phrase, locales: Sequence[str], **parts: Mapping[str, str] | str) -> Names:
    """Fill a two-language template; a part is a per-locale mapping or one text for all."""
    out: Names = {}
    for loc in locales:
        text = template.zh if _is_chinese(loc) else template.en
        values = {k: v if isinstance(v, str) else pick_name(v, loc) for k, v in parts.items()}
        # an empty part must not leave a double or trailing space behind
        out[loc] = " ".join(text.format(**values).split())
    return out


def _sentences(locales: Sequence[str], *parts: Names) -> Names:
    return {loc: ("" if _is_chinese(loc) else " ").join(p[loc] for p in parts) for loc in locales}


_ADMIN_SUFFIXES = Phrase("新区 区 县 市", " New Area| District| County| City")


def short_place_name(names: Mapping[str, str]) -> Names:
    """ "Tianning District" -> "Tianning": shop names say the place without its rank."""
    out: Names = {}
    for loc, text in names.items():
        suffixes = (
            _ADMIN_SUFFIXES.zh.split(" ") if _is_chinese(loc) else _ADMIN_SUFFIXES.en.split("|")
        )
        cut = next((s for s in suffixes if text.endswith(s) and len(text) > len(s) + 1), "")
        out[loc] = text[: len(text) - len(cut)] if cut else text
    return out


def _fits_in_a_name(names: Mapping[str, str]) -> bool:
    return all(len(t) <= (6 if _is_chinese(loc) else 24) for loc, t in names.items())


def _weighted(rng: random.Random, styles: Sequence[tuple[Phrase, int]]) -> Phrase:
    return rng.choices([s for s, _ in styles], weights=[w for _, w in styles])[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# --- places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    point: LatLng
    landmark: Landmark | None  # None for the city centre
    weight: int


@dataclass(frozen=True)
class Spot:
    point: LatLng
    district: District
    landmark: Landmark | None


class Places:
    """Where listings go: districts weighted by their landmarks, points near those landmarks."""

    def __init__(self, city: City) -> None:
        self.city = city
        self.districts = city.area.districts
        if not self.districts:
            raise DemoError("the city has no districts to place listings in")
        self.anchors: dict[str, list[Anchor]] = {d.slug: [] for d in self.districts}
        centre = city.area.district_at(city.center)
        if centre is not None:
            # the centre counts double: it is where most of a city's shops are
            self.anchors[centre.slug].append(Anchor(city.center, None, 2))
        for landmark in city.landmarks:
            home = city.area.district_at(landmark.point)
            if home is not None:
                self.anchors[home.slug].append(Anchor(landmark.point, landmark, 1))
        # a district with more landmarks is more urban; +1 keeps rural districts in the catalogue
        self.weights = [1 + sum(a.weight for a in self.anchors[d.slug]) for d in self.districts]

    def pick_district(self, rng: random.Random) -> District:
        return rng.choices(self.districts, weights=self.weights)[0]

    def _fits(self, point: LatLng, district: District) -> bool:
        if not self.city.area.contains(point):
            return False
        found = self.city.area.district_at(point)
        return found is not None and found.slug == district.slug

    def spot(self, rng: random.Random, district: District, near_anchor: float) -> Spot:
        anchors = self.anchors[district.slug]
        if anchors and rng.random() < near_anchor:
            anchor = rng.choices(anchors, weights=[a.weight for a in anchors])[0]
            sigma = rng.uniform(*JITTER_SIGMA_M)
            for _ in range(ANCHOR_TRIES):
                # distance of a 2-D gaussian from its mean is Rayleigh-distributed
                distance = sigma * math.sqrt(-2.0 * math.log(1.0 - rng.random()))
                azimuth = rng.uniform(-180.0, 180.0)
                moved = destination(anchor.point, azimuth, distance)
                point = _rounded(moved.lat, moved.lng)
                if self._fits(point, district):
                    return Spot(point, district, anchor.landmark)
        return Spot(self._uniform(rng, district), district, None)

    def _uniform(self, rng: random.Random, district: District) -> LatLng:
        west, south, east, north = district.polygon.bounds
        for _ in range(UNIFORM_TRIES):
            point = _rounded(rng.uniform(south, north), rng.uniform(west, east))
            if self._fits(point, district):
                return point
        raise DemoError(f"could not place a listing inside district {district.slug!r}")


def _rounded(lat: float, lng: float) -> LatLng:
    return LatLng(round(lat, COORD_DIGITS), round(lng, COORD_DIGITS))


# --- money -------------------------------------------------------------------------------------


def price(rng: random.Random, base: int, scale: int, *, jitter: bool = True) -> int:
    """Minor units near `base` major units, rounded the way menus are: 0.5, 1, 10 or 100."""
    percent = rng.randint(85, 120) if jitter else 100
    halves = (base * 2 * percent + 50) // 100  # integer arithmetic: money never touches a float
    step = 1 if base < 20 else 2 if base < 200 else 20 if base < 1000 else 200
    if step == 1 and (scale % 2 or rng.random() < 0.6):
        step = 2  # most menus, and every currency without halves, use whole units
    halves = max(step, (halves + step // 2) // step * step)
    return halves * scale // 2


def _clamped_price(rng: random.Random, base: int, scale: int, low: int, high: int) -> int:
    return min(max(price(rng, base, scale), low * scale), high * scale)


# --- hours -------------------------------------------------------------------------------------


def _every_day(*ranges: tuple[str, str], days: Sequence[str] = DAYS) -> Hours:
    return {d: [list(r) for r in ranges] if d in days else [] for d in DAYS}


def _restaurant_hours(rng: random.Random, slug: str) -> Hours:
    if slug == "bbq":
        late = ("18:00", "02:00") if rng.random() < 0.7 else ("16:30", "23:30")
        hours = _every_day(late)
    elif slug in ("noodles", "snacks") and rng.random() < 0.6:
        hours = (
            _every_day(("06:00", "13:30"))
            if rng.random() < 0.5
            else _every_day(("06:30", "14:00"), ("16:30", "20:00"))
        )
    elif slug == "cafe":
        hours = _every_day(rng.choice((("08:00", "22:00"), ("09:30", "21:30"))))
    elif slug == "fastfood":
        hours = _every_day(rng.choice((("07:00", "21:00"), ("10:00", "22:00"))))
    elif rng.random() < 0.7:
        hours = _every_day(("10:30", "14:00"), ("17:00", "21:30"))
    else:
        hours = _every_day(("10:00", "22:00"))
    if rng.random() < 0.2:
        hours[rng.choice(("mon", "tue"))] = []  # a weekly day off
    return hours


def _shop_hours(rng: random.Random, slug: str) -> Hours:
    if (slug == "convenience" and rng.random() < 0.4) or (
        slug == "pharmacy" and rng.random() < 0.15
    ):
        return _every_day(("00:00", "24:00"))
    opening = {
        "grocery": ("06:30", "21:00"),
        "bakery": ("07:30", "21:00"),
        "flowers": ("08:30", "21:00"),
        "fruit": ("08:00", "22:30"),
        "pharmacy": ("08:00", "22:00"),
    }
    return _every_day(opening.get(slug) or rng.choice((("07:00", "22:00"), ("09:00", "21:00"))))


def _housekeeping_hours(rng: random.Random) -> Hours:
    hours = _every_day(
        rng.choice((("08:00", "18:00"), ("08:30", "17:30"))), days=(*WEEKDAYS, "sat")
    )
    if rng.random() < 0.3:
        hours["sun"] = [["09:00", "17:00"]]
    return hours


def _tutoring_hours(rng: random.Random) -> Hours:
    evening = rng.choice((("17:30", "21:00"), ("18:00", "21:00")))
    hours = {d: [list(evening)] for d in WEEKDAYS}
    weekend = [["08:30", "12:00"], ["13:30", "18:00"]]
    hours |= {"sat": weekend, "sun": [list(r) for r in weekend]}
    if rng.random() < 0.25:
        hours["mon"] = []
    return hours


# --- the generator -----------------------------------------------------------------------------


def vertical_counts(count: int) -> dict[Vertical, int]:
    """Split `count` by SHARES, handing the rounding leftovers to the largest remainders."""
    exact = {v: count * share for v, share in SHARES.items()}
    counts = {v: int(x) for v, x in exact.items()}
    by_remainder = sorted(SHARES, key=lambda v: (-(exact[v] - counts[v]), list(SHARES).index(v)))
    for v in by_remainder[: count - sum(counts.values())]:
        counts[v] += 1
    return counts


@dataclass
class _Draft:
    """What one listing is before its words are chosen."""

    number: int
    vertical: Vertical
    category: Category
    spot: Spot


class CatalogBuilder:
    def __init__(self, city: City, seed: int) -> None:
        self.city = city
        self.rng = random.Random(seed)
        self.locales = tuple(city.locales)
        self.scale = 10**city.minor_units
        self.places = Places(city)
        self.taken: set[tuple[str, str, str]] = set()  # (district, locale, name)

    # -- plan

    def plan(self, count: int) -> list[_Draft]:
        rng = self.rng
        slots: list[tuple[Vertical, Category]] = []
        for vertical, n in vertical_counts(count).items():
            categories = self.city.categories[vertical]
            # every category once before any repeats, so small catalogues still cover them all
            chosen = list(categories[:n]) + [
                rng.choice(categories) for _ in range(n - len(categories))
            ]
            slots += [(vertical, c) for c in chosen]
        rng.shuffle(slots)
        districts = list(self.places.districts)
        rng.shuffle(districts)
        districts += [self.places.pick_district(rng) for _ in range(count - len(districts))]
        return [
            _Draft(
                i + 1, vertical, category, self.places.spot(rng, district, NEAR_ANCHOR[vertical])
            )
            for i, ((vertical, category), district) in enumerate(
                zip(slots, districts, strict=False)
            )
        ]

    # -- one listing

    def listing(self, draft: _Draft) -> DemoListing:
        rng, spot = self.rng, draft.spot
        build = {
            Vertical.RESTAURANT: self._restaurant,
            Vertical.HOUSEKEEPING: self._housekeeping,
            Vertical.TUTORING: self._tutoring,
            Vertical.SHOP: self._shop,
        }[draft.vertical]
        name, offerings, hours, attributes, tags = build(draft)
        radius = attributes.get("service_radius_m")
        area = radius_area(self.city, spot.point, radius).polygon if radius else None
        rating_count = 0 if rng.random() < 0.04 else int(10 ** rng.uniform(0, math.log10(2000)))
        rating = round(rng.triangular(3.5, 5.0, 4.5), 1) if rating_count else None
        return DemoListing(
            external_id=f"{EXTERNAL_ID_PREFIX}{draft.number:04d}",
            vertical=draft.vertical,
            category=draft.category.slug,
            name=name,
            description=self._description(draft, offerings),
            address=self._address(spot),
            point=spot.point,
            district=spot.district.slug,
            weekly_hours=hours,
            attributes=attributes,
            tags=list(dict.fromkeys(tags)),
            rating_avg=rating,
            rating_count=rating_count,
            offerings=tuple(offerings),
            service_area=area,
        )

    def _place_for_name(self, spot: Spot) -> Names:
        landmark = spot.landmark
        if landmark is not None and _fits_in_a_name(landmark.name):
            return dict(landmark.name)
        return short_place_name(spot.district.name)

    def _place_for_prose(self, spot: Spot) -> Mapping[str, str]:
        return spot.landmark.name if spot.landmark is not None else spot.district.name

    def _unique_name(self, district: str, make: Callable[[], Names]) -> Names:
        """Draw names until one is free in the district; else number it like a branch."""
        name: Names = make()
        for _ in range(NAME_TRIES):
            if not self._is_taken(district, name):
                break
            name = make()
        n = 2
        base = name
        while self._is_taken(district, name):
            suffix = render(pool.BRANCH, self.locales, n=str(n))
            name = {
                loc: f"{base[loc]}{'' if _is_chinese(loc) else ' '}{suffix[loc]}" for loc in base
            }
            n += 1
        self.taken.update((district, loc, text) for loc, text in name.items())
        return name

    def _is_taken(self, district: str, name: Names) -> bool:
        return any((district, loc, text) in self.taken for loc, text in name.items())

    def _cores(self, table: Mapping[str, tuple[Phrase, ...]], category: Category) -> list[Names]:
        if category.slug in table:
            return [say(p, self.locales) for p in table[category.slug]]
        around = Phrase("{cat}{x}", "{cat} {x}")
        return [
            render(around, self.locales, cat=category.name, x=say(p, self.locales))
            for p in table[FALLBACK]
        ]

    def _pick_items(
        self, table: Mapping[str, tuple[Item, ...]], slug: str, most: int = 8
    ) -> list[Item]:
        items = table.get(slug) or table[FALLBACK]
        return self.rng.sample(items, self.rng.randint(2, min(most, len(items))))

    def _item_name(self, item: Item) -> Names:
        return say(Phrase(item.zh, item.en), self.locales)

    def _restaurant(self, draft: _Draft) -> Built:
        rng, slug = self.rng, draft.category.slug
        cores = self._cores(pool.RESTAURANT_CORES, draft.category)

        def make() -> Names:
            return render(
                _weighted(rng, pool.RESTAURANT_STYLES),
                self.locales,
                core=rng.choice(cores),
                owner=say(rng.choice(pool.OWNERS), self.locales),
                quality=say(rng.choice(pool.QUALITIES), self.locales),
                place=self._place_for_name(draft.spot),
            )

        name = self._unique_name(draft.spot.district.slug, make)
        low, high = DISH_PRICE_RANGE
        offerings = [
            DemoOffering(
                OfferingKind.DISH,
                self._item_name(item),
                _clamped_price(rng, item.price, self.scale, low, high),
                attributes={"tags": self._dish_tags(slug, first=n == 0)},
            )
            for n, item in enumerate(self._pick_items(pool.RESTAURANT_DISHES, slug))
        ]
        hours = _restaurant_hours(rng, slug)
        mean = sum(o.price for o in offerings) // len(offerings)
        per_person = mean * rng.randint(100, 160) // 100 // self.scale * self.scale
        seats = rng.randint(8, 40) if slug in ("cafe", "snacks") else rng.randrange(20, 201, 4)
        attributes = {
            "cuisine": rng.choice(pool.CUISINES.get(slug) or pool.CUISINES[FALLBACK]),
            "avg_price_per_person": max(per_person, self.scale),
            "seats": seats,
            # sit-down places take reservations; a counter with a few stools does not
            "reservations": seats >= 20,
        }
        tags = rng.sample(pool.RESTAURANT_TAGS.get(slug) or pool.RESTAURANT_TAGS[FALLBACK], 1)
        tags += rng.sample(pool.COMMON_RESTAURANT_TAGS, rng.randint(1, 2))
        if any(start > end for ranges in hours.values() for start, end in ranges):
            tags.append("late_night")
        return name, offerings, hours, attributes, tags

    def _dish_tags(self, slug: str, *, first: bool) -> list[str]:
        tags = [DishTag.SIGNATURE.value] if first else []
        if slug in SPICY_CATEGORIES and self.rng.random() < 0.5:
            tags.append(DishTag.SPICY.value)
        if self.rng.random() < 0.08:
            tags.append(DishTag.NEW.value)
        return tags

    def _housekeeping(self, draft: _Draft) -> Built:
        rng, slug = self.rng, draft.category.slug
        cores = self._cores(pool.HOUSEKEEPING_CORES, draft.category)

        def make() -> Names:
            return render(
                _weighted(rng, pool.HOUSEKEEPING_STYLES),
                self.locales,
                brand=say(rng.choice(pool.HOUSEKEEPING_BRANDS), self.locales),
                core=rng.choice(cores),
                place=short_place_name(draft.spot.district.name),
            )

        name = self._unique_name(draft.spot.district.slug, make)
        offerings = [
            DemoOffering(
                OfferingKind.SERVICE,
                self._item_name(item),
                price(rng, item.price, self.scale),
                duration_min=item.minutes,
            )
            for item in self._pick_items(pool.HOUSEKEEPING_SERVICES, slug)
        ]
        notice = (
            pool.HOUSEKEEPING_NOTICE_HOURS.get(slug) or pool.HOUSEKEEPING_NOTICE_HOURS[FALLBACK]
        )
        attributes = {
            "min_notice_hours": rng.choice(notice),
            "service_area_mode": ServiceAreaMode.RADIUS.value,
            "service_radius_m": rng.randrange(SERVICE_RADIUS_M[0], SERVICE_RADIUS_M[1] + 1, 500),
        }
        tags = rng.sample(pool.HOUSEKEEPING_TAGS, rng.randint(2, 3))
        return name, offerings, _housekeeping_hours(rng), attributes, tags

    def _tutoring(self, draft: _Draft) -> Built:
        rng, category = self.rng, draft.category
        subject_pool = [
            (_slug(p.en), say(p, self.locales)) for p in pool.TUTOR_SUBJECTS.get(category.slug, ())
        ] or [(category.slug, dict(category.name))]
        picked = rng.sample(subject_pool, rng.randint(1, min(3, len(subject_pool))))
        subjects = [names for _, names in picked]
        levels_pool = pool.TUTOR_LEVELS.get(category.slug) or pool.TUTOR_LEVELS[FALLBACK]
        levels = sorted(
            rng.sample(levels_pool, rng.randint(1, len(levels_pool))), key=levels_pool.index
        )
        formats = [f for f in pool.TUTOR_FORMATS if rng.random() < 0.55] or [
            rng.choice(list(pool.TUTOR_FORMATS))
        ]
        trial = rng.random() < 0.85
        level_names = [say(Phrase(lv.zh, lv.en), self.locales) for lv in levels]

        def make() -> Names:
            return render(
                _weighted(rng, pool.TUTORING_STYLES),
                self.locales,
                teacher=say(rng.choice(pool.TEACHERS), self.locales),
                brand=say(rng.choice(pool.TUTOR_BRANDS), self.locales),
                level=rng.choice(level_names),
                subject=rng.choice(subjects),
                style=say(rng.choice(pool.TUTOR_NAME_STYLES), self.locales),
                place=short_place_name(draft.spot.district.name),
            )

        name = self._unique_name(draft.spot.district.slug, make)
        offerings = self._lessons(subjects, levels, formats, trial)
        # a catalogue with a single lesson gets a trial lesson as its second offering
        trial = any(o.attributes.get("trial") for o in offerings)
        covered = {grade for lv in levels for grade in lv.grades}
        regular = [o for o in offerings if not o.attributes.get("trial")]
        attributes: dict[str, Any] = {
            "subjects": [slug for slug, _ in picked],
            "grades": [grade for grade in GRADES if grade in covered],
            "formats": formats,
            "lesson_minutes": max(
                (o.duration_min or 0 for o in regular), key=[o.duration_min for o in regular].count
            ),
            "trial_lesson": trial,
        }
        if trial:
            attributes["trial_price"] = next(o.price for o in offerings if o.attributes["trial"])
        if "at_home" in formats:
            attributes["service_area_mode"] = ServiceAreaMode.RADIUS.value
            attributes["service_radius_m"] = rng.randrange(
                SERVICE_RADIUS_M[0], SERVICE_RADIUS_M[1] + 1, 500
            )
        tags = rng.sample(pool.TUTORING_TAGS, rng.randint(1, 3))
        tags += ["trial_lesson"] * trial + ["online"] * ("online" in formats)
        tags += ["home_visits"] * ("at_home" in formats)
        return name, offerings, _tutoring_hours(rng), attributes, tags

    def _lessons(
        self, subjects: list[Names], levels: list[pool.Level], formats: list[str], trial: bool
    ) -> list[DemoOffering]:
        rng = self.rng
        choices = [
            (s, lv, pool.TUTOR_FORMATS[f]) for s in subjects for lv in levels for f in formats
        ]
        picked = rng.sample(choices, rng.randint(min(2, len(choices)), min(7, len(choices))))
        template = Phrase(
            "{level}{subject}{fmt} {minutes}分钟", "{level} {subject} {fmt} ({minutes} min)"
        )
        lessons = []
        for subject, level, fmt in picked:
            minutes = rng.choice(pool.TUTOR_LESSON_MINUTES)
            lessons.append(
                DemoOffering(
                    OfferingKind.LESSON,
                    render(
                        template,
                        self.locales,
                        level=say(Phrase(level.zh, level.en), self.locales),
                        subject=subject,
                        fmt=say(Phrase(fmt.zh, fmt.en), self.locales),
                        minutes=str(minutes),
                    ),
                    price(rng, fmt.per_hour * minutes // 60, self.scale),
                    duration_min=minutes,
                    attributes={"format": fmt.slug, "trial": False},
                )
            )
        if trial or len(lessons) < 2:
            minutes = rng.choice((45, 60))
            lessons.insert(
                0,
                DemoOffering(
                    OfferingKind.LESSON,
                    render(
                        Phrase("试听课 {m}分钟", "Trial Lesson ({m} min)"),
                        self.locales,
                        m=str(minutes),
                    ),
                    price(rng, rng.choice(pool.TUTOR_TRIAL_PRICES), self.scale, jitter=False),
                    duration_min=minutes,
                    attributes={"format": formats[0], "trial": True},
                ),
            )
        return lessons

    def _shop(self, draft: _Draft) -> Built:
        rng, slug = self.rng, draft.category.slug
        cores = self._cores(pool.SHOP_CORES, draft.category)
        brands = pool.SHOP_BRANDS.get(slug) or pool.SHOP_BRANDS[FALLBACK]

        def make() -> Names:
            return render(
                _weighted(rng, pool.SHOP_STYLES),
                self.locales,
                brand=say(rng.choice(brands), self.locales),
                core=rng.choice(cores),
                place=self._place_for_name(draft.spot),
            )

        name = self._unique_name(draft.spot.district.slug, make)
        offerings = [
            DemoOffering(
                OfferingKind.PRODUCT,
                self._item_name(item),
                price(rng, item.price, self.scale),
                stock=0 if rng.random() < 0.08 else rng.randint(1, 200),
            )
            for item in self._pick_items(pool.SHOP_PRODUCTS, slug)
        ]
        hours = _shop_hours(rng, slug)
        delivery = rng.random() < 0.5
        attributes: dict[str, Any] = {
            "pickup": rng.random() < 0.9 or not delivery,
            "delivery": delivery,
        }
        if delivery:
            attributes["service_area_mode"] = ServiceAreaMode.RADIUS.value
            attributes["service_radius_m"] = rng.randrange(
                SERVICE_RADIUS_M[0], SERVICE_RADIUS_M[1] + 1, 500
            )
        tags = rng.sample(pool.SHOP_TAGS, rng.randint(0, 2))
        tags += ["pickup"] * attributes["pickup"] + ["delivery"] * delivery
        tags += ["open_24h"] * (hours["mon"] == [["00:00", "24:00"]])
        return name, offerings, hours, attributes, tags

    def _description(self, draft: _Draft, offerings: Sequence[DemoOffering]) -> Names:
        rng, vertical = self.rng, draft.vertical.value
        # the trial lesson is what every tutor has; the description names what this one teaches
        first = next((o for o in offerings if not o.attributes.get("trial")), offerings[0])
        opener = render(
            rng.choice(pool.OPENERS[vertical]),
            self.locales,
            place=self._place_for_prose(draft.spot),
            item=first.name,
            years=str(rng.randint(3, 30)),
        )
        if rng.random() < 0.4:
            return opener
        return _sentences(
            self.locales, opener, say(rng.choice(pool.FEATURES[vertical]), self.locales)
        )

    def _address(self, spot: Spot) -> Names:
        number = self.rng.randint(1, 300) if self.rng.random() < 0.8 else self.rng.randint(301, 999)
        return render(
            Phrase("{district}{street}{no}号", "{no} {street}, {district}"),
            self.locales,
            district=spot.district.name,
            street=say(self.rng.choice(pool.STREETS), self.locales),
            no=str(number),
        )


def generate_catalog(
    city: City, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED
) -> list[DemoListing]:
    """`count` published-ready demo listings for `city`; the same inputs give the same list."""
    if count < 1:
        raise DemoError("count must be at least 1")
    builder = CatalogBuilder(city, seed)
    return [builder.listing(draft) for draft in builder.plan(count)]

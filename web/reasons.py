"""Service errors in the reader's language.

The services explain problems in English sentences, some with values in them ("must be at most
120 characters"). A page must not show English to a Chinese reader, so known sentences are
matched here and rebuilt from translated message ids; anything unknown falls back to a
translated "please check" with the original words kept for support.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from web.i18n import N_

Translate = Callable[[str], str]

DAY_NAMES: dict[str, str] = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}

_DATE = r"weekly_hours\.exceptions\.(?P<date>\d{4}-\d{2}-\d{2})\[\d+\] \((?P<range>[^)]*)\)"
_DAY = r"weekly_hours\.(?P<day>mon|tue|wed|thu|fri|sat|sun)\[\d+\] \((?P<range>[^)]*)\)"

# (pattern, message id); named groups fill the placeholders. First match wins: specific first.
RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            r"is required: draw the area served.*",
            N_("Draw the area you serve on the map, or choose a radius."),
        ),
        (r"is required when service_area_mode is radius", N_("Enter the radius you serve.")),
        (
            r"is required when trial_lesson is true.*",
            N_("Enter the trial lesson price (0 means free)."),
        ),
        # other "is required: <why>" sentences have their own wording in the catalog
        (r"is required( in at least one locale)?", N_("This is required.")),
        (r"unknown field", N_("This field is not used here.")),
        (
            r"must not contain control characters",
            N_("Remove the invisible control characters from this text."),
        ),
        (r"must be valid Unicode text", N_("This text has characters that cannot be saved.")),
        (
            r"must be a whole number from (?P<low>\d+) to (?P<high>\d+)",
            N_("Must be a whole number from %(low)s to %(high)s."),
        ),
        (r"must be at most \d+ bytes.*", N_("Please choose a smaller file.")),
        (r"is not a number", N_("Enter a number.")),
        (r"must be a number", N_("Enter a number.")),
        (r"must be (a )?finite( number)?", N_("Enter a number.")),
        (r"must not be negative", N_("Must not be negative.")),
        (r"has more than (?P<n>\d+) decimal places for \w+", N_("At most %(n)s decimal places.")),
        (r"must be at most (?P<n>[\d.]+) [A-Z]{3}", N_("At most %(n)s.")),
        (r"must be at most (?P<n>\d+) characters", N_("At most %(n)s characters.")),
        (r"String should have at most (?P<n>\d+) characters?", N_("At most %(n)s characters.")),
        (r"String should have at least 1 character", N_("This is required.")),
        (
            r"must be between (?P<low>-?[\d.]+) and (?P<high>-?[\d.]+), got .*",
            N_("Must be between %(low)s and %(high)s."),
        ),
        (r"\(.*\) is outside .*", N_("This point is outside %(city)s. Pick a place in the city.")),
        (r"lies outside .*", N_("This area lies outside %(city)s.")),
        (r"is outside the city.*", N_("This point is outside %(city)s. Pick a place in the city.")),
        (
            r"not valid: Self-intersection.*",
            N_("The edges of the area cross each other. Clear it and draw again."),
        ),
        (
            # the ways a drawing that is not a polygon is described by geo.areas
            r"not valid: .*|has no area|must be a GeoJSON Polygon|must be Polygon, got .*"
            r"|a ring needs .*|ring is not closed.*|must be a \[longitude, latitude\] array"
            r"|must be an array of positions|must be a non-empty array of (rings|polygons)"
            r"|must be a GeoJSON geometry object|(lat|lng|position): .*",
            N_("This is not an area. Clear it and draw again."),
        ),
        (r"has more than \d+ points", N_("The area has too many points.")),
        (
            r"only for listings that go to their customers.*",
            N_("Only for services that go to their customers."),
        ),
        (r"unknown \w+ category .*", N_("Choose a category from the list.")),
        (r"unknown vertical .*", N_("Choose a category from the list.")),
        (r"Input should be a valid integer.*", N_("Enter a whole number.")),
        (r"Input should be greater than or equal to (?P<n>[\d.]+)", N_("Must be at least %(n)s.")),
        (r"Input should be less than or equal to (?P<n>[\d.]+)", N_("Must be at most %(n)s.")),
        (r"Input should be a valid boolean.*", N_("Choose yes or no.")),
        (r"List should have at least 1 item.*", N_("Choose at least one.")),
        (r"List should have at most (?P<n>\d+) items.*", N_("At most %(n)s.")),
        (r"Input should be .*", N_("Choose one of the options.")),
        (r".* is listed twice", N_("Listed twice.")),
        (r"unknown grade .*", N_("Choose grades from the list.")),
        (r"needs seats or tables to reserve", N_("Enter seats or tables to take reservations.")),
        (
            r"at least one of pickup and delivery must be true",
            N_("Choose pickup, delivery or both."),
        ),
        (r"only when trial_lesson is true", N_("Only when you offer a trial lesson.")),
        (
            r"not one of the listing's formats.*",
            N_("Choose one of the lesson formats this listing offers."),
        ),
        (r"must be a list of at most (?P<n>\d+) words", N_("At most %(n)s tags.")),
        (r"must be a word of 1 to (?P<n>\d+) characters", N_("Each tag at most %(n)s characters.")),
        (r"is not a valid phone number", N_("Enter a mobile number such as 138 0000 0000.")),
        (r"is not a valid e-mail address", N_("Enter an e-mail address such as name@example.com.")),
        (
            r"runs past midnight until (?P<end>\S+) and overlaps " + _DAY,
            N_("Runs past midnight until %(end)s and overlaps %(day)s %(range)s."),
        ),
        (
            r"overlaps " + _DAY + r", which runs past midnight until (?P<end>\S+)",
            N_("Overlaps %(day)s %(range)s, which runs past midnight until %(end)s."),
        ),
        (r"overlaps " + _DAY, N_("Overlaps %(day)s %(range)s.")),
        (
            r"runs past midnight until (?P<end>\S+) and overlaps " + _DATE,
            N_("Runs past midnight until %(end)s and overlaps %(range)s on %(date)s."),
        ),
        (r"overlaps " + _DATE, N_("Overlaps %(range)s on %(date)s.")),
        (r"is not a date \(YYYY-MM-DD\)", N_("Write the date like 2026-10-01.")),
        (r"is given twice", N_("This date is listed twice.")),
        (r"(end )?must be after start", N_("Must be after the start.")),
        (r"(reason )?is longer than (?P<n>\d+) characters", N_("At most %(n)s characters.")),
        (
            r".*is not an ISO 8601 date and time|must include a UTC offset.*",
            N_("Enter a date and time like 2026-10-01 09:00."),
        ),
        # photos: what process_image says about a file
        (
            r"not a JPEG, PNG or WebP image",
            N_("This file is not a photo. Choose a JPEG, PNG or WebP image."),
        ),
        (r"damaged or incomplete image", N_("This image is damaged or incomplete.")),
        (r"is empty", N_("The file is empty.")),
        (r"larger than (?P<n>[\d.]+) MB", N_("The photo is larger than %(n)s MB.")),
        (
            r"too small: at least (?P<n>\d+)×\d+ pixels",
            N_("The photo is too small: at least %(n)s × %(n)s pixels."),
        ),
        (
            r"too many pixels \(over (?P<n>[\d.]+) megapixels\)",
            N_("The photo has too many pixels: at most %(n)s megapixels."),
        ),
        (
            r"must name each photo of this listing once",
            N_("The photos changed in the meantime; the page now shows them as they are."),
        ),
        (
            r"starts and ends at the same time",
            N_("A time range must not start and end at the same time."),
        ),
        (r"24:00 can only end a range.*", N_("24:00 can only end a range; start at 00:00.")),
        (
            r"(start|end) '.*' is not a time.*",
            N_("Write times like 09:00-21:00, several separated by commas."),
        ),
        (
            r"you already have an application waiting for review",
            N_("You already have an application waiting for review."),
        ),
        (r"already published", N_("This listing is already published.")),
        (r"already a draft", N_("This listing is already a draft.")),
        (
            r"the merchant is (?P<status>\w+): only approved merchants publish",
            N_("Listings go live once your application is approved."),
        ),
        (
            r"only a published listing can be hidden.*",
            N_("Only a published listing can be taken offline."),
        ),
        (
            r"only a hidden listing can be restored.*",
            N_("Only a listing that was taken offline can be put back."),
        ),
        (
            r"hidden by an operator.*",
            N_("The platform took this listing offline; only the platform can put it back."),
        ),
        (
            r"this application was rejected.*",
            N_("This application was rejected. Apply again to list a business."),
        ),
        (
            r"staff can be invited once the merchant is approved",
            N_("Staff can be invited once your application is approved."),
        ),
        (r".* is already on the staff", N_("This person is already on your staff.")),
        (r"the owner cannot be removed from the staff", N_("The owner cannot be removed.")),
        (r"not on this merchant's staff", N_("This person is not on your staff.")),
        (r"is not a valid invitation", N_("This invitation link is not valid.")),
        (r"has already been used", N_("This invitation has already been used.")),
        (r"has expired.*", N_("This invitation has expired. Ask the owner for a new one.")),
        (
            r"this invitation is for another e-mail address or phone number",
            N_("This invitation is for another e-mail or phone number. Sign in with that one."),
        ),
        (r"not allowed to \w+ here", N_("Your account may not do this.")),
        (
            r"a listing holds at most (?P<n>\d+) offerings",
            N_("A listing holds at most %(n)s items."),
        ),
        (r"the merchant is \w+; cannot become \w+", N_("That changed in the meantime")),
        (r"the merchant is \w+", N_("That changed in the meantime")),
    )
)
UNKNOWN = N_("Please check this.")


def known_reason(_: Translate, reason: str, *, city: str = "") -> str | None:
    """`reason` rebuilt in the reader's language when one of our patterns knows it, else None."""
    for pattern, message in RULES:
        match = pattern.fullmatch(reason)
        if match is None:
            continue
        params = {k: v for k, v in match.groupdict().items() if v is not None}
        if "day" in params:
            day_name = DAY_NAMES[params["day"]]
            params["day"] = _(day_name)
        return _(message) % {"city": city, **params}
    return None


def translate_reason(_: Translate, reason: str, *, city: str = "") -> str:
    """`reason` in the reader's language: our patterns for sentences with values in them first,
    then a sentence the catalog translates as a whole (a page's own, more specific wording)."""
    known = known_reason(_, reason, city=city)
    if known is not None:
        return known
    own = _(reason)
    if own != reason:
        return own
    return f"{_(UNKNOWN)} ({reason})"

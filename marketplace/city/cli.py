"""`taocity city check DIR` and `taocity city new SLUG --from DIR ...`.

Exit codes: 0 done, 2 the configuration (or the request) is wrong; click uses 2 for usage errors
too, so scripts need to tell only "worked" from "fix the input".
"""

from __future__ import annotations

from pathlib import Path

import click

from geo.coords import CoordinateError, LatLng
from marketplace.city.loader import ConfigIssue, check_city, load_city
from marketplace.city.scaffold import NewCity, ScaffoldError, new_city

INVALID = 2


def _print_issues(issues: list[ConfigIssue]) -> None:
    for issue in issues:
        click.echo(str(issue))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _center(_ctx: click.Context, _param: click.Parameter, value: str | None) -> LatLng | None:
    if value is None:
        return None
    try:
        return LatLng.parse(value)
    except CoordinateError as exc:
        raise click.BadParameter(str(exc)) from None


def _names(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for value in values:
        tag, sep, text = value.partition("=")
        if not sep or not tag.strip() or not text.strip():
            raise click.BadParameter(f"expected LOCALE=TEXT, got {value!r}")
        names[tag.strip()] = text.strip()
    return names


@click.group(name="city")
def city() -> None:
    """Check and create city configuration directories."""


@city.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def check(directory: Path) -> None:
    """Validate a city directory; print every problem as `file: field: reason`."""
    issues = check_city(directory)
    if issues:
        _print_issues(issues)
        raise SystemExit(INVALID)
    loaded = load_city(directory)
    categories = sum(len(entries) for entries in loaded.categories.values())
    counts = [
        _count(len(loaded.area.districts), "district"),
        _count(len(loaded.landmarks), "landmark"),
        _count(categories, "category", "categories"),
    ]
    click.echo(f"{loaded.display_name()} ({loaded.slug}): valid; {', '.join(counts)}")


@city.command()
@click.argument("slug")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="An existing city directory to start from.",
)
@click.option("--name-zh", help="The new city's name in the Chinese locale(s).")
@click.option("--name-en", help="The new city's name in the English locale(s).")
@click.option(
    "--name",
    "other_names",
    multiple=True,
    callback=_names,
    metavar="LOCALE=TEXT",
    help="The new city's name in any locale; repeatable.",
)
@click.option("--center", callback=_center, metavar="LAT,LNG", help="The map's centre.")
@click.option(
    "--boundary",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A GeoJSON boundary (Polygon, MultiPolygon, Feature or one-feature collection).",
)
@click.option("--currency", help="ISO 4217 code, e.g. EUR.")
@click.option("--timezone", help="IANA time zone, e.g. Europe/Paris.")
@click.option(
    "--locale",
    "locales",
    multiple=True,
    help="A BCP-47 locale; repeatable; replaces the source's list, first is the default.",
)
@click.option(
    "--dest",
    "dest_root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to create SLUG in (default: the parent of --from).",
)
def new(
    slug: str,
    source: Path,
    name_zh: str | None,
    name_en: str | None,
    other_names: dict[str, str],
    center: LatLng | None,
    boundary: Path | None,
    currency: str | None,
    timezone: str | None,
    locales: tuple[str, ...],
    dest_root: Path | None,
) -> None:
    """Write a new city directory SLUG from an existing one, then validate it."""
    names = {"zh": name_zh, "en": name_en, **other_names}
    request = NewCity(
        slug=slug,
        source=source,
        dest_root=dest_root,
        names={key: text for key, text in names.items() if text is not None},
        center=center,
        boundary=boundary,
        currency=currency,
        timezone=timezone,
        locales=locales or None,
    )
    try:
        written = new_city(request)
    except ScaffoldError as exc:
        click.echo(f"city new: {exc.message}; nothing was written", err=True)
        _print_issues(exc.issues)
        raise SystemExit(INVALID) from None
    for note in written.notes:
        click.echo(f"note: {note}")
    click.echo(f"wrote {written.path}; check it with `taocity city check {written.path}`")

"""City configuration: a city is a directory under `cities/`, loaded once into a `City`."""

from marketplace.city.loader import (
    CityConfigError,
    ConfigIssue,
    check_city,
    field_path,
    load_city,
)
from marketplace.city.schema import (
    Category,
    City,
    CitySettings,
    CompletionSettings,
    Landmark,
    MapSettings,
    PaymentSettings,
    SearchSettings,
)

__all__ = [
    "Category",
    "City",
    "CityConfigError",
    "CitySettings",
    "CompletionSettings",
    "ConfigIssue",
    "Landmark",
    "MapSettings",
    "PaymentSettings",
    "SearchSettings",
    "check_city",
    "field_path",
    "load_city",
]

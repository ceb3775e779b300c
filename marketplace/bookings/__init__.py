"""Bookings: slots of time residents book with a merchant (services, lessons, tables, classes)."""

# Bookings can be paid for: registering the adapter here reaches every process that loads the
# booking models (app, worker, CLI, tests), while payments itself never imports bookings.
from marketplace.bookings import payable_kind as _payable_kind  # noqa: F401

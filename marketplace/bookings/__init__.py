"""Bookings: slots of time residents book with a merchant (services, lessons, tables, classes)."""

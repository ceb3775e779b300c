"""Bulk import of merchants and their listings from CSV or JSON Lines, one per row."""

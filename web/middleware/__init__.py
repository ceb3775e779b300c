"""ASGI middleware of the web layer, in the order `marketplace.app` stacks them:
session (signed cookie) -> locale -> CSRF."""

"""Payments: providers (Stripe Connect, pay at store), webhooks, refunds and the ledger."""

"""The merchant console's memory of which business an account last worked on, and finding one
business among the many a member of staff may run.

Models in `models.py`, verbs in `services.py`.
"""

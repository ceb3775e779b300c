"""A resident's favourites (收藏) and recently viewed listings, and what is popular nearby.

Models in `models.py`, verbs in `services.py`, the weekly "popular in your district" aggregate in
`popular.py`. Every read is one query, so the home page can afford a section for each.
"""

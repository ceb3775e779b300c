"""In-app notices to an account, copied by e-mail when the account has an address.

Models in `models.py`, verbs in `services.py`, mail backends behind the `Mailer` protocol in
`mailers.py`.
"""

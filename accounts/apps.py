from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """What a signed-in user keeps for themselves: their API tokens. Imports no other app of the portal
    but common."""

    name = "accounts"
    verbose_name = "Accounts"

from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Helpers every app may use; this app imports none of them."""

    name = "common"
    verbose_name = "Common"

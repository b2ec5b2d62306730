from django.apps import AppConfig


class BlueprintConfig(AppConfig):
    name = "blueprint"
    verbose_name = "Blueprint portal"

    def ready(self):
        # Count failed sign-ins from the first one, not only once the URLconf has been imported.
        from . import login_throttle  # noqa: F401

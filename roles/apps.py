from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Role blueprints"

    def ready(self):
        # Connect the cached role pages' receiver in every process (web, worker, commands), not only
        # where the views happen to be imported.
        from . import group_changes, rendering  # noqa: F401

from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs"

    def ready(self):
        from . import receivers  # noqa: F401  (connects to roles' blueprint_published)

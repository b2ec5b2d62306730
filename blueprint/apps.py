from django.apps import AppConfig
from django.core import checks


class BlueprintConfig(AppConfig):
    name = "blueprint"
    verbose_name = "Blueprint portal"

    def ready(self):
        from .celery import check_task_limits

        checks.register(check_task_limits)

from django.apps import AppConfig


class BlueprintConfig(AppConfig):
    name = "blueprint"
    verbose_name = "Blueprint portal"

from django.dispatch import receiver

from roles.signals import blueprint_published

from .services.metrics import sync_metrics


@receiver(blueprint_published, dispatch_uid="kpis.sync_metrics")
def sync_metrics_on_publish(sender, version, **kwargs):
    """roles announces a publish; kpis keeps its metrics in step (roles never imports kpis)."""
    sync_metrics(version=version)

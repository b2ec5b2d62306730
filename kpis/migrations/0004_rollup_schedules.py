"""Schedule the KPI rollups in django-celery-beat (editable in the admin): incremental every five
minutes, full nightly at 02:30 (CELERY_TIMEZONE)."""
from django.conf import settings
from django.db import migrations

INCREMENTAL, FULL = "kpis.rollup_incremental", "kpis.rollup_full"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    nightly, _ = CrontabSchedule.objects.get_or_create(minute="30", hour="2", day_of_week="*", day_of_month="*",
                                                       month_of_year="*",
                                                       timezone=settings.CELERY_TIMEZONE)
    PeriodicTask.objects.get_or_create(name="KPI rollup (incremental)",
                                       defaults={"task": INCREMENTAL, "interval": every_five_minutes})
    PeriodicTask.objects.get_or_create(name="KPI rollup (full)", defaults={"task": FULL, "crontab": nightly})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__in=[INCREMENTAL, FULL]).delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0003_rollup_indexes"), ("django_celery_beat", "0018_improve_crontab_helptext")]
    operations = [migrations.RunPython(schedule, unschedule)]

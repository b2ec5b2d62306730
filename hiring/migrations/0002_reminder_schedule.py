"""Schedule the scorecard reminders (hourly) in django-celery-beat; editable in the admin."""
from django.db import migrations

TASK = "hiring.send_scorecard_reminders"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.get_or_create(name="Scorecard reminders", defaults={"task": TASK, "interval": every_hour})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [("hiring", "0001_initial"), ("django_celery_beat", "0018_improve_crontab_helptext")]
    operations = [migrations.RunPython(schedule, unschedule)]

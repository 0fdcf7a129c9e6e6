from django.db import migrations, models


def inactive_until_last_change(apps, schema_editor):
    """A reporter marked inactive was last active on the day the record last changed (the best known)."""
    Reporter = apps.get_model("outreach", "Reporter")
    for reporter in Reporter.objects.filter(active=False).only("pk", "updated_at"):
        Reporter.objects.filter(pk=reporter.pk).update(active_until=reporter.updated_at.date())


def active_flag_from_dates(apps, schema_editor):
    Reporter = apps.get_model("outreach", "Reporter")
    Reporter.objects.filter(active_until__isnull=False).update(active=False)


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='reporter',
            name='active_from',
            field=models.DateField(blank=True, help_text='Blank: on the list since before it was kept here.', null=True, verbose_name='active from'),
        ),
        migrations.AddField(
            model_name='reporter',
            name='active_until',
            field=models.DateField(blank=True, help_text='The last day as a reporter; blank while still active.', null=True, verbose_name='active until'),
        ),
        migrations.RunPython(inactive_until_last_change, active_flag_from_dates),
        migrations.RemoveField(
            model_name='reporter',
            name='active',
        ),
    ]

"""The catalogue of concern topics the boards group public opinion under."""

from django.db import migrations

from tuyengiao.opinion.catalogue import TOPICS


def add(apps, schema_editor):
    topic = apps.get_model("opinion", "ConcernTopic")
    for order, (code, name) in enumerate(TOPICS, start=1):
        topic.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("opinion", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]

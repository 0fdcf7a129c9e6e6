"""The catalogue of concern topics the boards group public opinion under."""

from django.db import migrations

from tuyengiao.opinion.catalogue import install


def add(apps, schema_editor):
    install(apps.get_model("opinion", "ConcernTopic"))


class Migration(migrations.Migration):
    dependencies = [("opinion", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]

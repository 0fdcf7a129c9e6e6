# A meeting covers several study campaigns, with one study session per campaign; notices are sent once.

from django.db import migrations, models
from django.db.models import Count, Min


def copy_to_many(apps, schema_editor):
    Meeting = apps.get_model("handbook", "Meeting")
    for meeting in Meeting.objects.exclude(campaign=None, event=None):
        if meeting.campaign_id:
            meeting.campaigns.add(meeting.campaign_id)
        if meeting.event_id:
            meeting.events.add(meeting.event_id)


def drop_duplicate_notices(apps, schema_editor):
    InboxItem = apps.get_model("handbook", "InboxItem")
    twice = (InboxItem.objects.values("member_id", "kind", "url").annotate(n=Count("pk"), first=Min("pk"))
             .filter(n__gt=1))
    for row in twice:
        InboxItem.objects.filter(member_id=row["member_id"], kind=row["kind"], url=row["url"]).exclude(
            pk=row["first"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0002_audience_expected'),
        ('events', '0002_connected_sites'),
        ('handbook', '0002_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='meeting',
            name='campaigns',
            field=models.ManyToManyField(blank=True, related_name='+', to='campaigns.campaign', verbose_name='study campaigns'),
        ),
        migrations.AddField(
            model_name='meeting',
            name='events',
            field=models.ManyToManyField(blank=True, related_name='+', to='events.event'),
        ),
        migrations.RunPython(copy_to_many, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='meeting',
            name='campaign',
        ),
        migrations.RemoveField(
            model_name='meeting',
            name='event',
        ),
        migrations.RunPython(drop_duplicate_notices, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='inboxitem',
            constraint=models.UniqueConstraint(fields=('member', 'kind', 'url'), name='one_notice_per_thing'),
        ),
    ]

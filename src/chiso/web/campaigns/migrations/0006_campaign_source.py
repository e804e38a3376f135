"""Record where a campaign's lost points came from.

Every campaign opened before this migration was opened on the embedded demo (imports through the
web did not exist), so existing rows are marked illustrative; new rows default to not.
"""

from django.db import migrations, models

DEMO_SOURCE = "Nguồn: số liệu minh họa của chiso (không phải kết quả chính thức)"


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_remove_itemresponse_solutions"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="illustrative",
            field=models.BooleanField(default=True, verbose_name="số liệu minh họa"),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="illustrative",
            field=models.BooleanField(default=False, verbose_name="số liệu minh họa"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="source",
            field=models.CharField(
                blank=True, default=DEMO_SOURCE, max_length=255, verbose_name="nguồn số liệu"
            ),
            preserve_default=False,
        ),
    ]

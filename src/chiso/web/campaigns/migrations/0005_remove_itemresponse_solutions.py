from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_solutions_from_text"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="itemresponse",
            name="solutions",
        ),
    ]

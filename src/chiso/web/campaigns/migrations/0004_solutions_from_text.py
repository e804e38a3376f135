"""Each agency's free-text solutions become one structured :class:`Solution`.

The text had no owner, deadline or points, so the migration fills the defaults the remediation
actions already used: the agency itself, 31/12 of the year after the assessed one, and all the
item's lost points. Going back joins the solutions' texts into the text field again (owner,
deadline and points are lost: the old column had no place for them).
"""

from datetime import date

from django.db import migrations


def text_to_solutions(apps, schema_editor) -> None:
    ItemResponse = apps.get_model("campaigns", "ItemResponse")
    Solution = apps.get_model("campaigns", "Solution")
    rows = ItemResponse.objects.exclude(solutions="").select_related(
        "assignment", "contribution__agency", "contribution__campaign"
    )
    for item in rows.iterator():
        text = item.solutions.strip()
        if not text:
            continue
        Solution.objects.create(
            item=item,
            position=1,
            text=text,
            owner=item.contribution.agency.name,
            deadline=date(item.contribution.campaign.year + 1, 12, 31),
            expected_points=item.assignment.lost,
        )


def solutions_to_text(apps, schema_editor) -> None:
    ItemResponse = apps.get_model("campaigns", "ItemResponse")
    Solution = apps.get_model("campaigns", "Solution")
    texts: dict[int, list[str]] = {}
    for solution in Solution.objects.order_by("item_id", "position"):
        texts.setdefault(solution.item_id, []).append(solution.text)
    for item_id, lines in texts.items():
        ItemResponse.objects.filter(pk=item_id).update(solutions="\n".join(lines))
    # Going forward again must not find them twice.
    Solution.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_solution"),
    ]

    operations = [
        migrations.RunPython(text_to_solutions, solutions_to_text),
    ]

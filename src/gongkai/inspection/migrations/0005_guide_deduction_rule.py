"""R-WEB-3: the deduction for 办事指南 missing key elements (R-WEB-4)."""

from django.db import migrations

RULE = ("missing_guide_element", "办事指南要素缺失", 2, 10)


def seed(apps, schema_editor):
    key, label, points, cap = RULE
    apps.get_model("inspection", "DeductionRule").objects.get_or_create(
        key=key, defaults={"label": label, "points": points, "cap": cap}
    )


def unseed(apps, schema_editor):
    apps.get_model("inspection", "DeductionRule").objects.filter(key=RULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspection", "0004_precheck")]
    operations = [migrations.RunPython(seed, unseed)]

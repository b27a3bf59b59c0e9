"""R-WEB-3: deductions for the checks that read the participation and open-data apps."""

from django.db import migrations

MORE_RULES = [
    # key, label, points each, cap
    ("unanswered_message", "留言超过3个月未回应", 3, 15),
    ("stale_dataset", "开放数据集未按更新频率更新", 2, 10),
]


def seed(apps, schema_editor):
    DeductionRule = apps.get_model("inspection", "DeductionRule")
    for key, label, points, cap in MORE_RULES:
        DeductionRule.objects.get_or_create(key=key, defaults={"label": label, "points": points, "cap": cap})


def unseed(apps, schema_editor):
    apps.get_model("inspection", "DeductionRule").objects.filter(key__in=[r[0] for r in MORE_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspection", "0002_default_deduction_rules"),
        ("participation", "0001_initial"),
        ("opendata", "0001_initial"),
    ]
    operations = [migrations.RunPython(seed, unseed)]

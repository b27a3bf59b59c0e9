"""R-WEB-3: the default deduction rules (editable by the platform admin afterwards)."""

from django.db import migrations

DEFAULT_RULES = [
    # key, label, points each, cap (0 = none)
    ("stale_column:news", "动态、要闻类栏目超过2周未更新", 3, 15),
    ("stale_column:notice", "通知公告、政策文件类栏目超过6个月未更新", 5, 25),
    ("stale_column:yearly", "人事、规划类栏目超过1年未更新", 2, 10),
    ("empty_column", "空白栏目", 3, 15),
    ("broken_link", "链接不可用", 1, 10),
    ("pii", "泄露个人信息", 5, 20),
    ("sensitive_word", "含敏感词", 5, 20),
    ("late_publication", "超过20个工作日公开", 1, 10),
    ("missing_interpretation", "政策文件缺少解读", 2, 10),
]


def seed(apps, schema_editor):
    DeductionRule = apps.get_model("inspection", "DeductionRule")
    for key, label, points, cap in DEFAULT_RULES:
        DeductionRule.objects.get_or_create(key=key, defaults={"label": label, "points": points, "cap": cap})


def unseed(apps, schema_editor):
    DeductionRule = apps.get_model("inspection", "DeductionRule")
    DeductionRule.objects.filter(key__in=[r[0] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspection", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

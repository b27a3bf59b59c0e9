"""Review finding I10: 通报 generated before the fix print each sensitive word verbatim in their problems (a public
bulletin would publish the blocked-word list). Rewrite those details as `selectors.public_detail` now writes them:
"《标题》正文中含有敏感词。" — the findings themselves keep the word for the office."""

from __future__ import annotations

from django.db import migrations

LABEL = "含敏感词"
MARK = "中含有敏感词"


def hide_words(apps, schema_editor):
    Bulletin = apps.get_model("inspection", "Bulletin")
    for bulletin in Bulletin.objects.only("id", "data").iterator():
        changed = False
        for row in (bulletin.data or {}).get("rows", []) or []:
            for problem in row.get("problems", []) or []:
                detail = str(problem.get("detail", ""))
                cut = detail.rfind(MARK)
                if problem.get("label") == LABEL and cut >= 0 and detail != detail[:cut] + MARK + "。":
                    problem["detail"] = detail[:cut] + MARK + "。"
                    changed = True
        if changed:
            bulletin.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("inspection", "0011_drop_attachment_text")]

    operations = [migrations.RunPython(hide_words, migrations.RunPython.noop)]

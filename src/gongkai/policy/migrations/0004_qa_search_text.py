"""政策问答: the masked search copy the public keyword filter matches (R-PII-1..3), filled for existing answers."""

from typing import Any

from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    from gongkai.policy.models import qa_search_text

    PolicyQA = apps.get_model("policy", "PolicyQA")
    batch = []
    for qa in PolicyQA.objects.only("pk", "question", "answer").iterator(chunk_size=500):
        qa.search_text = qa_search_text(qa.question, qa.answer)
        batch.append(qa)
        if len(batch) >= 500:
            PolicyQA.objects.bulk_update(batch, ["search_text"])
            batch = []
    PolicyQA.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0003_qa_citation_pending"),
    ]

    operations = [
        migrations.AddField(
            model_name="policyqa",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

"""Staff pages for relations: add by 索引号 or 文号, refuse unknown references and other agencies."""

import pytest

from gongkai.publishing.models import ItemRelation
from tests.factories import draft, make_agency, publish

pytestmark = pytest.mark.django_db


def test_add_relation_by_doc_no_then_remove(client):
    a = make_agency("v")
    old = publish(a, "旧办法", doc_no="测发〔2024〕9号")
    new = draft(a, "新办法")
    client.force_login(a.drafter)
    response = client.post(
        f"/staff/items/{new.pk}/relations/", {"type": "repeals", "target": "测发[2024]9号"}
    )
    assert response.status_code == 302
    rel = ItemRelation.objects.get(source=new)
    assert rel.target == old and rel.type == "repeals"
    page = client.get(f"/staff/items/{new.pk}/").content.decode()
    assert "旧办法" in page and "取消关联" in page
    client.post(f"/staff/items/{new.pk}/relations/{rel.pk}/delete/")
    assert not ItemRelation.objects.filter(source=new).exists()


def test_unknown_reference_gives_a_chinese_message(client):
    a = make_agency("w")
    new = draft(a, "新办法")
    client.force_login(a.drafter)
    response = client.post(
        f"/staff/items/{new.pk}/relations/", {"type": "amends", "target": "不存在〔2099〕1号"}, follow=True
    )
    assert "找不到索引号或文号为“不存在〔2099〕1号”的可关联文件" in response.content.decode()
    assert not ItemRelation.objects.exists()


def test_other_agency_gets_404(client):
    a = make_agency("y1")
    b = make_agency("y2")
    new = draft(a, "新办法")
    target = publish(b, "乙文件")
    client.force_login(b.drafter)
    response = client.post(f"/staff/items/{new.pk}/relations/", {"type": "amends", "target": target.index_no})
    assert response.status_code == 404
    assert not ItemRelation.objects.exists()

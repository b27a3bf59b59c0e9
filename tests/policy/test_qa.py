"""政策问答库: citations by 索引号 or 文号, the current validity of each cited document, warnings, staff list."""

import pytest

from gongkai.core.errors import ApplicationError, PermissionDenied
from gongkai.policy import selectors, services
from gongkai.publishing import services as publishing_services
from tests.factories import draft, publish
from tests.policy.conftest import qa_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited(agency):
    return publish(agency, "示例市灵活就业人员参加养老保险办法", doc_no="示人社发[2024]3号")


def test_cite_by_doc_no_or_index_no_and_publish(agency, cited):
    qa = services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data())
    citation = services.qa_citation_add(actor=agency.drafter, qa=qa, ref="示人社发〔2024〕3号")
    assert citation.item == cited
    with pytest.raises(ApplicationError) as err:
        services.qa_citation_add(actor=agency.drafter, qa=qa, ref=cited.index_no)
    assert err.value.code == "duplicate"
    with pytest.raises(ApplicationError) as err:
        services.qa_citation_add(actor=agency.drafter, qa=qa, ref="不存在〔2024〕1号")
    assert err.value.code == "not_found"
    unpublished = draft(agency, "内部草稿", doc_no="示人社发〔2024〕9号")
    with pytest.raises(ApplicationError) as err:
        services.qa_citation_add(actor=agency.drafter, qa=qa, ref=unpublished.doc_no)
    assert err.value.code == "not_found"
    with pytest.raises(PermissionDenied):
        services.qa_transition(actor=agency.drafter, qa=qa, action="publish")
    qa = services.qa_transition(actor=agency.publisher, qa=qa, action="publish")
    assert qa.status == "published"
    views = selectors.qa_citations(qa)
    assert [(v.item, v.validity, v.warning) for v in views] == [(cited, "valid", "")]


def test_warning_when_a_cited_item_is_repealed(client, agency, cited):
    qa = services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data())
    services.qa_citation_add(actor=agency.drafter, qa=qa, ref=cited.index_no)
    qa = services.qa_transition(actor=agency.publisher, qa=qa, action="publish")
    page = client.get(f"/policy-qa/{qa.pk}/").content.decode()
    assert "本答复可能已不适用" not in page
    assert selectors.qas_citing_invalid(agency.publisher) == []

    # A new published document repeals the cited one (publishing's own service, R-PUB-6).
    new = publish(agency, "示例市灵活就业人员参加养老保险办法（2026年修订）")
    from gongkai.publishing import services as publishing_services

    publishing_services.item_relation_add(actor=agency.publisher, source=new, type="repeals", target=cited)
    cited.refresh_from_db()
    assert cited.validity == "repealed"

    page = client.get(f"/policy-qa/{qa.pk}/").content.decode()
    assert "所引用的《示例市灵活就业人员参加养老保险办法》废止，本答复可能已不适用" in page
    assert 'role="alert"' in page
    assert f"/items/{new.pk}/" in page  # links the document that replaced it
    stale = selectors.qas_citing_invalid(agency.drafter)
    assert [q.pk for q, _ in stale] == [qa.pk]
    assert "废止" in stale[0][1][0].warning
    staff = client
    staff.force_login(agency.drafter)
    assert "本答复可能已不适用" in staff.get("/staff/policy/qa/stale/").content.decode()


def test_expired_by_date_and_withdrawn_items_warn(agency):
    from datetime import date

    expired = publish(agency, "临时补贴办法", doc_no="示人社发〔2020〕1号", valid_until=date(2021, 12, 31))
    qa = services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data())
    services.qa_citation_add(actor=agency.drafter, qa=qa, ref=expired.doc_no)
    [view] = selectors.qa_citations(qa)
    assert view.validity == "expired" and "失效" in view.warning
    from gongkai.publishing import services as publishing_services

    publishing_services.item_transition(
        actor=agency.publisher, item=expired, action="withdraw", comment="撤回"
    )
    [view] = selectors.qa_citations(qa)
    assert not view.visible and "已不再公开" in view.warning
    assert [q.pk for q, _ in selectors.qas_citing_invalid(agency.admin)] == [qa.pk]


def test_keyword_filter_cannot_confirm_a_masked_number(client, agency):
    """R-PII-1..3: the page and the API show a personal number masked, so the keyword filter matches the masked text
    only — a guess of the hidden digits finds nothing, what is shown still does; an edit refreshes the copy."""
    qa = services.qa_transition(
        actor=agency.publisher,
        qa=services.qa_create(
            actor=agency.drafter,
            org=agency.org,
            data=qa_data(question="我的电话13812345678，能否回电说明参保办法？"),
        ),
        action="publish",
    )
    assert "138****5678" in client.get(f"/policy-qa/{qa.pk}/").content.decode()
    for guess in ("13812345678", "1381234", "812345"):
        assert list(selectors.qas_public(guess)) == []
        assert client.get("/api/v1/policy-qa", {"q": guess}).json()["count"] == 0
    assert list(selectors.qas_public("138****5678")) == [qa]
    assert list(selectors.qas_public("能否回电")) == [qa]
    draft = services.qa_create(
        actor=agency.drafter, org=agency.org, data=qa_data(answer="请拨打13900001111联系。")
    )
    assert "13900001111" not in draft.search_text and "139****1111" in draft.search_text


def test_keyword_filter_and_bad_input(agency):
    one = services.qa_transition(
        actor=agency.publisher,
        qa=services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data()),
        action="publish",
    )
    two = services.qa_transition(
        actor=agency.publisher,
        qa=services.qa_create(
            actor=agency.drafter,
            org=agency.org,
            data=qa_data(
                title="失业保险金怎么领？", question="失业后如何申领？", answer="携带身份证到经办机构。"
            ),
        ),
        action="publish",
    )
    services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data(title="草稿养老"))
    assert list(selectors.qas_public("养老")) == [one]
    assert list(selectors.qas_public("身份证")) == [two]  # matches the answer
    assert set(selectors.qas_public("")) == {one, two}
    with pytest.raises(ApplicationError) as err:
        services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data(answer=""))
    assert (err.value.code, err.value.field) == ("missing_field", "answer")

    with pytest.raises(ApplicationError) as err:
        services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data(answer="答" * 50000))
    assert (err.value.code, err.value.field) == ("too_long", "answer")
    with pytest.raises(ApplicationError) as err:
        services.qa_update(actor=agency.drafter, qa=one, data=qa_data())
    assert err.value.code == "not_editable"


def test_found_by_what_it_cites(client, agency, cited):
    """A reader looking up a document finds the answers citing it: by its 文号 in any bracket style, its 索引号 or a
    word of its title; a cited document no longer public is found only by the reference as cited."""
    qa = services.qa_create(
        actor=agency.drafter,
        org=agency.org,
        data=qa_data(title="参保问题", question="怎么参保？", answer="见所引文件。"),
    )
    services.qa_citation_add(actor=agency.drafter, qa=qa, ref=cited.index_no)
    qa = services.qa_transition(actor=agency.publisher, qa=qa, action="publish")
    other = services.qa_transition(
        actor=agency.publisher,
        qa=services.qa_create(
            actor=agency.drafter,
            org=agency.org,
            data=qa_data(title="无关问题", question="其他？", answer="其他。"),
        ),
        action="publish",
    )
    for q in ("示人社发（2024）3号", "示人社发〔2024〕03号", cited.index_no, "灵活就业"):
        assert list(selectors.qas_public(q)) == [qa], q
    assert other not in selectors.qas_public("灵活就业")
    assert "参保问题" in client.get("/policy-qa/", {"q": "示人社发[2024]3号"}).content.decode()
    assert [r["id"] for r in client.get("/api/v1/policy-qa", {"q": "灵活就业"}).json()["results"]] == [qa.pk]
    publishing_services.item_transition(actor=agency.publisher, item=cited, action="withdraw", comment="有误")
    assert list(selectors.qas_public("灵活就业")) == []  # the title of a withdrawn document is not searched
    assert list(selectors.qas_public(cited.index_no)) == [qa]  # the reference as cited still is

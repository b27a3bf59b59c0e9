"""Request tests: staff pages (login, other agency 404, wrong role refused, bad input kept), public pages."""

import pytest

from gongkai.policy import services
from gongkai.policy.models import PolicyQA, ProposalReply, ServiceGuide
from tests.factories import make_org, make_user, publish
from tests.policy.conftest import COMPLETE_GUIDE, entry_data, guide_data, make_proposal, qa_data

pytestmark = pytest.mark.django_db

PROPOSAL_POST = {
    "kind": "proposal",
    "session": "十六届三次会议",
    "number": "第45号",
    "proposer_type": "party",
    "proposer": "民盟示例市委员会",
    "subject": "关于推进职业技能培训的提案",
    "title": "",
    "reply_type": "B",
    "reply_date": "2026-07-01",
    "body": "民盟示例市委员会：\n你们提出的提案收悉，现答复如下。",
}


def test_login_required(client):
    for url in ("/staff/policy/", "/staff/policy/proposals/new/", "/staff/policy/qa/stale/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_staff_pages_render(client, agency):
    client.force_login(agency.publisher)
    for url in (
        "/staff/policy/",
        "/staff/policy/proposals/",
        "/staff/policy/proposals/new/",
        "/staff/policy/guides/",
        "/staff/policy/guides/new/",
        "/staff/policy/powers/",
        f"/staff/policy/powers/{agency.org.code}/",
        "/staff/policy/qa/",
        "/staff/policy/qa/new/",
        "/staff/policy/qa/stale/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<main id="main"' in response.content.decode() and "政策服务导航" in response.content.decode()


def test_proposal_create_publish_via_pages(client, agency):
    client.force_login(agency.drafter)
    response = client.post("/staff/policy/proposals/new/", {**PROPOSAL_POST, "org": agency.org.pk})
    reply = ProposalReply.objects.get()
    assert response.status_code == 302 and reply.number == 45
    assert reply.title == "关于《关于推进职业技能培训的提案》的答复"
    # The drafter has no publish button and the service refuses a forged request.
    page = client.get(f"/staff/policy/proposals/{reply.pk}/").content.decode()
    assert 'value="publish"' not in page
    client.post(f"/staff/policy/proposals/{reply.pk}/transition/", {"action": "publish"})
    reply.refresh_from_db()
    assert reply.status == "draft"
    client.force_login(agency.publisher)
    client.post(f"/staff/policy/proposals/{reply.pk}/transition/", {"action": "publish"})
    reply.refresh_from_db()
    assert reply.status == "published"
    public = client.get(f"/proposals/{reply.pk}/").content.decode()
    assert "关于推进职业技能培训的提案" in public and "民盟示例市委员会" in public and 'scope="row"' in public


def test_proposal_bad_input_keeps_what_was_typed(client, agency):
    client.force_login(agency.drafter)
    long_body = "答" * 50000
    response = client.post(
        "/staff/policy/proposals/new/",
        {**PROPOSAL_POST, "org": agency.org.pk, "body": long_body, "title": "关于第45号提案的答复"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "公开标题须写明建议或提案的主题" in page
    assert "民盟示例市委员会" in page and 'value="第45号"' in page
    response = client.post(
        "/staff/policy/proposals/new/", {**PROPOSAL_POST, "org": agency.org.pk, "body": long_body}
    )
    assert response.status_code == 200
    assert "答复全文不能超过 20000 个字（当前 50000 个字）" in response.content.decode()
    response = client.post("/staff/policy/proposals/new/", {"org": agency.org.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "届次不能为空" in page and "答复日期不能为空" in page
    response = client.post(
        "/staff/policy/proposals/new/", {**PROPOSAL_POST, "org": agency.org.pk, "number": "第abc号"}
    )
    assert "编号须为正整数" in response.content.decode()
    assert not ProposalReply.objects.exists()


def test_other_agency_gets_404(client, agency, other):
    reply = make_proposal(agency, publish=False)
    guide = services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data())
    entry = services.power_entry_add(actor=agency.drafter, org=agency.org, data=entry_data(agency, "甲许可"))
    qa = services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data())
    client.force_login(other.admin)
    for url in (
        f"/staff/policy/proposals/{reply.pk}/",
        f"/staff/policy/guides/{guide.pk}/",
        f"/staff/policy/powers/{agency.org.code}/",
        f"/staff/policy/powers/entries/{entry.pk}/",
        f"/staff/policy/qa/{qa.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/staff/policy/proposals/{reply.pk}/transition/", {"action": "publish"}).status_code
        == 404
    )
    assert client.post(f"/staff/policy/qa/{qa.pk}/citations/", {"ref": "x"}).status_code == 404
    assert client.post(f"/staff/policy/guides/{guide.pk}/", {"name": "改"}).status_code == 404
    # Not in the other agency's lists either.
    assert reply.title not in client.get("/staff/policy/proposals/").content.decode()
    assert agency.org.name not in client.get("/staff/policy/powers/").content.decode()


def test_wrong_role_refused(client, agency):
    clerk = make_user("pa_foi", agency.org, "foi_handler")  # staff of the agency, but no editing role
    client.force_login(clerk)
    response = client.post("/staff/policy/qa/new/", {"org": agency.org.pk, **vars(qa_data())})
    assert response.status_code == 200 and not PolicyQA.objects.exists()  # agency not offered to this user
    guide = services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data())
    response = client.post(f"/staff/policy/guides/{guide.pk}/", {**COMPLETE_GUIDE, "name": "改名"})
    assert response.status_code == 403
    assert "只有本单位的拟稿人、发布人或管理员可以编辑" in response.content.decode()
    guide.refresh_from_db()
    assert guide.name == COMPLETE_GUIDE["name"]
    response = client.post(f"/staff/policy/powers/{agency.org.code}/", {"op": "publish", "note": "发布"})
    assert response.status_code == 403


def test_guide_pages_and_missing_elements_message(client, agency):
    client.force_login(agency.drafter)
    post = {**COMPLETE_GUIDE, "org": agency.org.pk, "fees": "", "location": ""}
    response = client.post("/staff/policy/guides/new/", post)
    guide = ServiceGuide.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "发布前须补齐以下要素：办理地点、收费标准" in page
    client.force_login(agency.publisher)
    response = client.post(f"/staff/policy/guides/{guide.pk}/transition/", {"action": "publish"}, follow=True)
    assert "办事指南缺少以下要素，不能发布：办理地点、收费标准。" in response.content.decode()
    client.post(f"/staff/policy/guides/{guide.pk}/", {**COMPLETE_GUIDE, "fees": "不收费"})
    client.post(f"/staff/policy/guides/{guide.pk}/transition/", {"action": "publish", "comment": "首次发布"})
    guide.refresh_from_db()
    assert guide.version == 1
    client.post(f"/staff/policy/guides/{guide.pk}/", {**COMPLETE_GUIDE, "phone": "0311-87654321"})
    client.post(f"/staff/policy/guides/{guide.pk}/transition/", {"action": "publish", "comment": "更换电话"})
    client.logout()
    listing = client.get(f"/orgs/{agency.org.code}/service-guides/").content.decode()
    assert COMPLETE_GUIDE["name"] in listing
    page = client.get(f"/service-guides/{guide.pk}/").content.decode()
    assert "0311-87654321" in page and '<th scope="row">收费标准</th>' in page and "第 2 版" in page
    old = client.get(f"/service-guides/{guide.pk}/versions/1/").content.decode()
    assert "0311-12345678" in old and "这是历史版本" in old
    assert client.get(f"/service-guides/{guide.pk}/versions/9/").status_code == 404


def test_power_pages(client, agency):
    client.force_login(agency.drafter)
    url = f"/staff/policy/powers/{agency.org.code}/"
    response = client.post(url, {"op": "add", "name": "", "category": "", "basis": "依" * 50000})
    assert response.status_code == 200
    page = response.content.decode()
    assert "事项名称不能为空" in page and "请选择类别" in page
    for name, cat in (("甲许可", "licensing"), ("乙处罚", "penalty")):
        client.post(
            url, {"op": "add", "name": name, "category": cat, "basis": "某条例", "responsible": agency.org.pk}
        )
    client.force_login(agency.publisher)
    response = client.post(url, {"op": "publish", "note": ""})
    assert "变更说明不能为空" in response.content.decode()
    client.post(url, {"op": "publish", "note": "首次公布"})
    client.post(url, {"op": "start"})
    page = client.get(url).content.decode()
    assert "工作稿" in page
    from gongkai.policy import selectors

    draft = selectors.power_working_copy(agency.org)
    entry = draft.entries.get(name="乙处罚")
    client.post(f"/staff/policy/powers/entries/{entry.pk}/", {"op": "delete"})
    client.post(
        url,
        {
            "op": "add",
            "name": "丙强制",
            "category": "coercion",
            "basis": "某法",
            "responsible": agency.org.pk,
        },
    )
    client.post(url, {"op": "publish", "note": "第二次调整"})
    client.logout()
    current = client.get(f"/orgs/{agency.org.code}/powers/").content.decode()
    assert "丙强制" in current and "乙处罚" not in current and "第 2 版" in current
    old = client.get(f"/orgs/{agency.org.code}/powers/v1/").content.decode()
    assert "乙处罚" in old and "这是历史版本" in old
    changes = client.get(f"/orgs/{agency.org.code}/powers/v2/changes/").content.decode()
    added = changes.index("新增事项（1）")
    removed = changes.index("取消事项（1）")
    assert added < changes.index("丙强制") < removed < changes.index("乙处罚")
    assert "调整事项（0）" in changes
    assert client.get(f"/orgs/{agency.org.code}/powers/v7/").status_code == 404
    assert agency.org.name in client.get("/powers/").content.decode()


def test_qa_pages(client, agency):
    item = publish(agency, "示例市就业补贴办法", doc_no="示人社发〔2025〕8号")
    client.force_login(agency.drafter)
    client.post("/staff/policy/qa/new/", {"org": agency.org.pk, **vars(qa_data())})
    qa = PolicyQA.objects.get()
    response = client.post(f"/staff/policy/qa/{qa.pk}/citations/", {"ref": "示人社发[2025]8号"}, follow=True)
    assert "已引用《示例市就业补贴办法》" in response.content.decode()
    response = client.post(f"/staff/policy/qa/{qa.pk}/", {"title": "", "question": "问", "answer": "答"})
    assert "标题不能为空" in response.content.decode()
    client.force_login(agency.publisher)
    client.post(f"/staff/policy/qa/{qa.pk}/transition/", {"action": "publish"})
    client.logout()
    listing = client.get("/policy-qa/?q=灵活就业").content.decode()
    assert qa.title in listing and 'role="search"' in listing
    assert qa.title not in client.get("/policy-qa/?q=不相关的词").content.decode()
    page = client.get(f"/policy-qa/{qa.pk}/").content.decode()
    assert item.title in page and "有效" in page and 'role="alert"' not in page


def test_public_proposal_pages(client, agency, other):
    make_proposal(agency, number=1, reply_type="A")
    make_proposal(agency, number=2, reply_type="C", subject="关于增设公交线路的建议")
    make_proposal(other, number=3, reply_type="B", subject="关于校园安全的建议")
    make_proposal(agency, number=4, publish=False, subject="未发布的主题")
    page = client.get("/proposals/").content.decode()
    assert "关于增设公交线路的建议" in page and "关于校园安全的建议" in page and "未发布的主题" not in page
    assert '<th scope="col">答复类型</th>' in page
    page = client.get("/proposals/?reply_type=C").content.decode()
    assert "关于增设公交线路的建议" in page and "关于加强社区养老服务的建议" not in page
    page = client.get(f"/orgs/{other.org.code}/proposals/").content.decode()
    assert "关于校园安全的建议" in page and "关于增设公交线路的建议" not in page
    assert client.get("/proposals/?year=abc&kind=x&page=99").status_code == 200
    page = client.get(f"/orgs/{agency.org.code}/proposals/stats/?year=2026").content.decode()
    assert agency.org.name in page and other.org.name not in page
    assert client.get("/orgs/NOPE/proposals/").status_code == 404


def test_public_pages_without_data(client, agency):
    for url in (
        "/proposals/",
        "/proposals/stats/",
        f"/orgs/{agency.org.code}/proposals/stats/?year=1999",
        f"/orgs/{agency.org.code}/service-guides/",
        "/powers/",
        f"/orgs/{agency.org.code}/powers/",
        "/policy-qa/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<main id="main"' in page and 'role="contentinfo"' in page
    assert "尚未公布权责清单" in client.get(f"/orgs/{agency.org.code}/powers/").content.decode()
    assert client.get("/proposals/999/").status_code == 404
    assert client.get("/service-guides/999/").status_code == 404
    assert client.get("/policy-qa/999/").status_code == 404
    assert client.get(f"/orgs/{agency.org.code}/powers/v1/changes/").status_code == 404


def test_drafts_are_not_public(client, agency):
    reply = make_proposal(agency, publish=False)
    guide = services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data())
    qa = services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data())
    assert client.get(f"/proposals/{reply.pk}/").status_code == 404
    assert client.get(f"/service-guides/{guide.pk}/").status_code == 404
    assert client.get(f"/policy-qa/{qa.pk}/").status_code == 404


def test_huge_inputs_get_messages_not_500(client, agency):
    client.force_login(agency.drafter)
    huge = "字" * 50000
    response = client.post(
        "/staff/policy/guides/new/", {**COMPLETE_GUIDE, "org": agency.org.pk, "process": huge}
    )
    assert response.status_code == 200
    assert "办理流程不能超过 20000 个字（当前 50000 个字）" in response.content.decode()
    response = client.post(
        "/staff/policy/guides/new/", {**COMPLETE_GUIDE, "org": agency.org.pk, "name": huge}
    )
    assert response.status_code == 200 and "事项名称" in response.content.decode()
    assert not ServiceGuide.objects.exists()
    response = client.post(
        "/staff/policy/qa/new/", {"org": agency.org.pk, "title": huge, "question": huge, "answer": "答"}
    )
    assert response.status_code == 200 and not PolicyQA.objects.exists()
    response = client.get("/policy-qa/", {"q": huge})
    assert response.status_code == 200


def _one_more_of_each(agency, other, n: int) -> None:
    """One more published reply (with a co-handler), guide, 权责清单 entry (released) and answer citing a document that
    is then repealed."""
    from gongkai.publishing import services as publishing_services

    reply = make_proposal(agency, number=n)
    reply.co_handlers.add(other.org)
    guide = services.guide_create(actor=agency.drafter, org=agency.org, data=guide_data(name=f"事项{n}"))
    services.guide_transition(actor=agency.publisher, guide=guide, action="publish")
    services.power_entry_add(actor=agency.drafter, org=agency.org, data=entry_data(agency, f"权力事项{n}"))
    services.power_list_publish(actor=agency.publisher, org=agency.org, note=f"第{n}次调整")
    cited = publish(agency, f"被引用的文件{n}", doc_no=f"示人社规〔2024〕{n}号")
    qa = services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data(title=f"问题{n}"))
    services.qa_citation_add(actor=agency.drafter, qa=qa, ref=cited.doc_no)
    services.qa_transition(actor=agency.publisher, qa=qa, action="publish")
    repealing = publish(agency, f"废止文件{n}")
    publishing_services.item_relation_add(
        actor=agency.publisher, source=repealing, type="repeals", target=cited
    )


def test_lists_do_not_query_per_row(client, agency, other):
    """Every public and staff list of the app makes the same number of queries with 1 record or 4 of each kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    code = agency.org.code
    urls = [
        "/proposals/",
        f"/orgs/{code}/proposals/",
        "/proposals/stats/?year=2026",
        f"/orgs/{code}/service-guides/",
        "/powers/",
        f"/orgs/{code}/powers/",
        "/policy-qa/",
        "/staff/policy/",
        "/staff/policy/proposals/",
        "/staff/policy/guides/",
        f"/staff/policy/powers/{code}/",
        "/staff/policy/qa/",
        "/staff/policy/qa/stale/",
    ]

    def counts() -> dict[str, int]:
        client.force_login(agency.publisher)
        result = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, url
            result[url] = len(ctx.captured_queries)
        return result

    _one_more_of_each(agency, other, 1)
    one = counts()
    for n in (2, 3, 4):
        _one_more_of_each(agency, other, n)
    assert counts() == one


def test_item_page_lists_the_answers_citing_it(client, agency):
    """The public page of a document lists the published 政策问答 citing it (not drafts, not withdrawn ones), in a
    fixed number of queries whatever their number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cited = publish(agency, "关于灵活就业人员参保的通知", doc_no="示人社发〔2026〕5号")

    def answer(title: str, action: str | None = "publish") -> PolicyQA:
        qa = services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data(title=title))
        services.qa_citation_add(actor=agency.drafter, qa=qa, ref=cited.doc_no)
        if action:
            qa = services.qa_transition(actor=agency.publisher, qa=qa, action="publish")
        if action == "withdraw":
            qa = services.qa_transition(actor=agency.publisher, qa=qa, action="withdraw", comment="政策调整")
        return qa

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/items/{cited.pk}/")
        assert response.status_code == 200
        return response.content.decode(), len(ctx.captured_queries)

    html, _ = page()
    assert "引用本文件的政策问答" not in html
    first = answer("灵活就业人员怎样参保？")
    answer("问答草稿不应出现", action=None)
    answer("已撤回的问答不应出现", action="withdraw")
    html, one = page()
    assert "引用本文件的政策问答" in html and f'href="/policy-qa/{first.pk}/"' in html
    assert "灵活就业人员怎样参保？" in html
    assert "问答草稿不应出现" not in html and "已撤回的问答不应出现" not in html
    answer("第二个问答")
    answer("第三个问答")
    html, three = page()
    assert "第三个问答" in html and three == one


def test_agency_qa_list_is_linked_from_the_agency_home(client, agency, other):
    """`/orgs/<code>/policy-qa/` lists one agency's published answers (keyword filter kept), and the agency home
    page links to it; an unknown agency is a 404."""
    mine = services.qa_transition(
        actor=agency.publisher,
        qa=services.qa_create(actor=agency.drafter, org=agency.org, data=qa_data(title="本局的问答")),
        action="publish",
    )
    services.qa_transition(
        actor=other.publisher,
        qa=services.qa_create(actor=other.drafter, org=other.org, data=qa_data(title="他局的问答")),
        action="publish",
    )
    code = agency.org.code
    assert f'href="/orgs/{code}/policy-qa/"' in client.get(f"/orgs/{code}/").content.decode()
    html = client.get(f"/orgs/{code}/policy-qa/").content.decode()
    assert f'href="/policy-qa/{mine.pk}/"' in html and "他局的问答" not in html
    assert agency.org.name in html
    assert "本局的问答" not in client.get(f"/orgs/{code}/policy-qa/", {"q": "不存在的词"}).content.decode()
    assert client.get("/orgs/NOSUCHORG/policy-qa/").status_code == 404


def test_other_agency_pickers_list_the_government_tree(client, agency, other):
    """协办单位 and 责任主体 list the active agencies of the record's government tree, grouped under their parent, not
    every agency of the platform; an agency outside it is refused; one already chosen stays listed on edit."""
    child = make_org("示例市社会保险事业服务中心", parent=agency.org)
    grandchild = make_org("示例市社保中心第一分中心", parent=child)
    client.force_login(agency.drafter)
    page = client.get("/staff/policy/proposals/new/").content.decode()
    for org in (agency.org, child, grandchild):
        assert f'value="{org.pk}"' in page
    assert f'value="{other.org.pk}"' not in page and "示例市教育局" not in page
    assert f'<optgroup label="{agency.org.name}">' in page and f'<optgroup label="{child.name}">' in page
    response = client.post(
        "/staff/policy/proposals/new/",
        {**PROPOSAL_POST, "org": agency.org.pk, "co_handlers": [child.pk, other.org.pk]},
    )
    assert response.status_code == 200 and not ProposalReply.objects.exists()
    client.post(
        "/staff/policy/proposals/new/",
        {**PROPOSAL_POST, "org": agency.org.pk, "co_handlers": [grandchild.pk]},
    )
    reply = ProposalReply.objects.get()
    assert list(reply.co_handlers.all()) == [grandchild]
    reply.co_handlers.add(other.org)  # named before the pickers were limited (or by an import)
    page = client.get(f"/staff/policy/proposals/{reply.pk}/").content.decode()
    assert f'value="{other.org.pk}" selected' in page
    url = f"/staff/policy/powers/{agency.org.code}/"
    page = client.get(url).content.decode()
    assert f'value="{child.pk}"' in page and f'value="{other.org.pk}"' not in page
    response = client.post(
        url,
        {
            "op": "add",
            "name": "甲许可",
            "category": "licensing",
            "basis": "某条例",
            "responsible": other.org.pk,
        },
    )
    assert response.status_code == 200 and "责任主体无效" in response.content.decode()

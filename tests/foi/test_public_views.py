"""Public FOI pages through HTTP: apply online (R-FOI-1), the query code shown once, tracking (same answer for a
wrong code and an unknown number, throttled), the reply letter and files for the applicant only, withdrawal."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEntry, OutboxMessage
from gongkai.foi import services
from gongkai.foi.models import QueryFailure, Request
from tests.foi.factories import ID_BAD_CHECK, ID_OK, applicant, make_foi_agency, register

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form_post(**changes: str) -> dict[str, str]:
    data = {
        "applicant_type": "natural",
        "applicant_name": "李四",
        "contact_name": "",
        "id_type": "resident_id",
        "id_number": ID_OK,
        "phone": "13912345678",
        "email": "lisi@example.com",
        "address": "测试市幸福路8号",
        "postcode": "050000",
        "description": "请公开《测试市老旧小区改造实施方案》全文。",
        "doc_no": "",
        "preferred_form": "electronic",
        "delivery": "email",
    }
    data.update(changes)
    return data


def html(response) -> str:
    return response.content.decode()


def apply_url(agency) -> str:
    return reverse("foi:apply", kwargs={"org_code": agency.org.code})


def test_choose_agency_and_form_page(client, agency):
    page = html(client.get(reverse("foi:apply_choose")))
    assert apply_url(agency) in page
    page = html(client.get(apply_url(agency)))
    assert "<fieldset" in page and "<legend>申请人信息</legend>" in page
    assert 'for="id_id_number"' in page and 'for="id_description"' in page
    assert client.get(reverse("foi:apply", kwargs={"org_code": "nope"})).status_code == 404


def test_apply_online_shows_code_once_and_mails(client, agency):
    response = client.post(apply_url(agency), form_post())
    assert response.status_code == 200
    page = html(response)
    request = Request.objects.get()
    assert request.status == "awaiting_confirmation" and request.channel == "online"
    code = re.search(r'id="query-code">(\w+)<', page).group(1)
    assert request.tracking_no in page and "只显示这一次" in page
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    # Mail to the applicant (no code) and to the handler.
    mails = OutboxMessage.objects.all()
    assert {m.to for m in mails} == {"lisi@example.com", "a_foi@example.gov.cn"}
    assert all(code not in m.body for m in mails)
    # The code works on the tracking page; a second visit of the form does not show it again.
    assert code not in html(client.get(apply_url(agency)))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"applicant_name": ""}, "applicant_name", "请填写申请人姓名或名称。"),
        ({"id_number": ID_BAD_CHECK}, "id_number", "居民身份证号码无效"),
        ({"description": "查" * 50000}, "description", "不能超过 10000 个字符（现有 50000 个）"),
        ({"phone": "", "email": "", "address": "", "delivery": "pickup"}, "phone", "请至少填写一种联系方式"),
        ({"email": "not-an-address"}, "email", "电子邮箱格式不正确"),
        ({"delivery": "post", "address": ""}, "address", "选择邮寄的，请填写通信地址"),
        ({"applicant_type": "alien"}, "applicant_type", "请选择有效的申请人类型"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_kept(client, agency, changes, field, message):
    data = form_post(**changes)
    response = client.post(apply_url(agency), data)
    assert response.status_code == 400
    page = html(response)
    assert message in page
    assert f'href="#id_{field}"' in page  # the error summary links to the field
    assert 'role="alert"' in page
    # Nothing typed is lost (long texts are kept too).
    if data["description"] and len(data["description"]) < 100:
        assert data["description"] in page
    if data["phone"]:
        assert data["phone"] in page
    assert not Request.objects.exists()


def test_emoji_and_script_are_kept_as_text(client, agency):
    description = "请公开👍<script>alert(1)</script>资料 𠮷"
    response = client.post(apply_url(agency), form_post(description=description, applicant_name="王😀"))
    assert response.status_code == 200
    assert Request.objects.get().description == description
    assert "<script>alert(1)</script>" not in html(response)


def test_null_character_is_refused(client, agency):
    response = client.post(apply_url(agency), form_post(description="资料\x00"))
    assert response.status_code == 400
    assert "空字符" in html(response)


def _submit(client, agency, **changes) -> tuple[Request, str]:
    page = html(client.post(apply_url(agency), form_post(**changes)))
    code = re.search(r'id="query-code">(\w+)<', page).group(1)
    return Request.objects.order_by("-id").first(), code


def track(client, number: str, code: str):
    return client.post(reverse("foi:track"), {"tracking_no": number, "query_code": code})


def test_track_with_code_shows_status_and_derivation(client, agency):
    request, code = _submit(client, agency)
    other = client.__class__()
    response = track(other, request.tracking_no.lower(), code.lower())
    assert response.status_code == 302
    page = html(other.get(response["Location"]))
    assert "待确认收到" in page and request.tracking_no in page
    Request.objects.filter(pk=request.pk).update(submitted_at=datetime(2025, 1, 20, 9, tzinfo=UTC))
    services.request_confirm(actor=agency.handler, request=request, received_on=date(2025, 1, 20))
    page = html(other.get(response["Location"]))
    assert "2025年2月21日" in page  # due date
    assert "答复期限是怎样计算的" in page and "工作日" in page
    # Without the code, the detail page is a 404 (another browser).
    assert client.__class__().get(response["Location"]).status_code == 404


def test_query_code_reset_ends_the_sessions_that_used_the_leaked_code(client, agency):
    request, code = _submit(client, agency)
    leaked = client.__class__()
    response = track(leaked, request.tracking_no, code)
    assert response.status_code == 302
    detail = response["Location"]
    assert leaked.get(detail).status_code == 200
    new_code = services.query_code_reset(actor=agency.handler, request=request)
    # The session that looked the request up with the old code no longer sees it, nor its letter pages.
    assert leaked.get(detail).status_code == 404
    assert track(leaked, request.tracking_no, code).status_code == 400
    # The applicant with the new code does.
    fresh = client.__class__()
    response = track(fresh, request.tracking_no, new_code)
    assert response.status_code == 302 and fresh.get(response["Location"]).status_code == 200


def test_query_code_reset_covers_the_whole_forwarding_chain(client, agency, other):
    third = make_foi_agency("c")
    original, code = _submit(client, agency)
    Request.objects.filter(pk=original.pk).update(submitted_at=datetime(2025, 1, 20, 9, tzinfo=UTC))
    services.request_confirm(actor=agency.handler, request=original, received_on=date(2025, 1, 20))
    forwarded = services.request_forward(
        actor=agency.handler, request=original, to_org=other.org, on=date(2025, 1, 23)
    )
    services.request_confirm(actor=other.handler, request=forwarded, received_on=date(2025, 1, 24))
    again = services.request_forward(
        actor=other.handler, request=forwarded, to_org=third.org, on=date(2025, 1, 27)
    )
    chain = (original, forwarded, again)
    leaked = client.__class__()
    pages = [track(leaked, r.tracking_no, code)["Location"] for r in chain]
    assert [leaked.get(page).status_code for page in pages] == [200, 200, 200]
    # Reset by the agency in the middle of the chain: the whole chain gets the new code.
    new_code = services.query_code_reset(actor=other.handler, request=forwarded)
    assert [leaked.get(page).status_code for page in pages] == [404, 404, 404]
    assert [track(leaked, r.tracking_no, code).status_code for r in chain] == [400, 400, 400]
    fresh = client.__class__()
    for r in chain:
        response = track(fresh, r.tracking_no, new_code)
        assert response.status_code == 302 and fresh.get(response["Location"]).status_code == 200
    entries = AuditEntry.objects.filter(action="foi.query_code_reset")
    assert sorted(e.org_code for e in entries) == sorted(r.org.code for r in chain)


def test_r_foi_5_later_reply_date_is_explained_to_the_applicant(client, agency):
    request, code = _submit(client, agency)
    Request.objects.filter(pk=request.pk).update(submitted_at=datetime(2025, 1, 20, 9, tzinfo=UTC))
    services.request_confirm(actor=agency.handler, request=request, received_on=date(2025, 1, 20))
    services.reason_request(actor=agency.handler, request=request, on=date(2025, 1, 22), note="请说明用途")
    services.reason_receive(actor=agency.handler, request=request, on=date(2025, 1, 27))
    services.later_reply_date_set(
        actor=agency.head,
        request=request,
        on=date(2025, 2, 10),
        reply_by=date(2025, 3, 31),
        reason="理由合理",
    )
    viewer = client.__class__()
    page = html(viewer.get(track(viewer, request.tracking_no, code)["Location"]))
    assert "答复期限由2025年2月21日延至2025年3月31日" in page and "条例第三十五条" in page


def test_wrong_code_and_unknown_number_same_answer_then_blocked(client, agency, settings):
    settings.GONGKAI_FOI_QUERY_MAX_FAILURES = 3
    request, code = _submit(client, agency)
    wrong = track(client, request.tracking_no, "AAAAAAAAAA")
    unknown = track(client, "YSQ-2099-000001", "AAAAAAAAAA")
    assert wrong.status_code == unknown.status_code == 400

    def strip(r):
        return re.sub(
            r'name="csrfmiddlewaretoken" value="[^"]+"',
            "",
            html(r).replace("YSQ-2099-000001", request.tracking_no),
        )

    assert strip(wrong) == strip(unknown)
    assert "申请编号或查询码不正确" in html(wrong)
    track(client, request.tracking_no, "BBBBBBBBBB")
    track(client, request.tracking_no, "CCCCCCCCCC")
    blocked = track(client, request.tracking_no, code)  # even the right code, for a while
    assert blocked.status_code == 429 and "查询失败次数过多" in html(blocked)


def test_withdrawal_has_its_own_throttle(client, agency, settings):
    settings.GONGKAI_FOI_QUERY_MAX_FAILURES = 2
    request, code = _submit(client, agency)
    for _ in range(2):
        r = client.post(
            reverse("foi:withdraw"),
            {"tracking_no": request.tracking_no, "query_code": "WRONGCODE2", "reason": "x"},
        )
        assert r.status_code == 400
    assert QueryFailure.objects.filter(scope="withdraw").count() == 2
    blocked = client.post(
        reverse("foi:withdraw"),
        {"tracking_no": request.tracking_no, "query_code": code, "reason": "不需要了"},
    )
    assert blocked.status_code == 429
    # Tracking is not blocked by failed withdrawals.
    assert track(client, request.tracking_no, code).status_code == 302


def test_applicant_withdraws_with_code(client, agency):
    request, code = _submit(client, agency)
    missing = client.post(reverse("foi:withdraw"), {"tracking_no": request.tracking_no, "query_code": code})
    assert missing.status_code == 400 and "请填写撤回原因" in html(missing)
    response = client.post(
        reverse("foi:withdraw"),
        {"tracking_no": request.tracking_no, "query_code": code, "reason": "已自行找到"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "withdrawn"
    assert "已撤回" in html(client.get(response["Location"]))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def test_reply_letter_and_files_for_the_applicant_only(client, agency, media):
    created = services.request_register(
        actor=agency.handler,
        org=agency.org,
        data=applicant(),
        channel="in_person",
        received_on=date(2025, 1, 20),
    )
    request = created.request
    services.reply_file_add(actor=agency.handler, request=request, name="方案.pdf", data=PDF)
    services.request_reply(
        actor=agency.handler, request=request, outcome="disclosed", replied_on=date(2025, 2, 3)
    )
    file_id = request.files.get().pk
    detail = reverse("foi:track_detail", kwargs={"tracking_no": request.tracking_no})
    letter = reverse("foi:track_letter", kwargs={"tracking_no": request.tracking_no, "fmt": "docx"})
    file_url = reverse("foi:track_file", kwargs={"tracking_no": request.tracking_no, "file_id": file_id})
    for url in (detail, letter, file_url):
        assert client.get(url).status_code == 404
    assert track(client, request.tracking_no, created.query_code).status_code == 302
    page = html(client.get(detail))
    assert "政府信息公开申请答复书" in page and "方案.pdf" in page
    docx = client.get(letter)
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(client.get(file_url).streaming_content) == PDF
    printable = client.get(
        reverse("foi:track_letter", kwargs={"tracking_no": request.tracking_no, "fmt": "html"})
    )
    assert "本机关予以公开" in html(printable)
    assert (
        client.get(
            reverse("foi:track_letter", kwargs={"tracking_no": request.tracking_no, "fmt": "exe"})
        ).status_code
        == 404
    )


def test_applicant_data_never_on_public_pages(client, agency, media):
    """The name, identity number and phone appear on no public page but the applicant's own track page."""
    created = services.request_register(
        actor=agency.handler,
        org=agency.org,
        data=applicant(applicant_name="欧阳隐私", phone="13700001111"),
        channel="in_person",
        received_on=date(2025, 1, 20),
    )
    services.request_reply(
        actor=agency.handler, request=created.request, outcome="disclosed", replied_on=date(2025, 2, 3)
    )
    secrets = ["欧阳隐私", ID_OK, "13700001111", "zhangsan@example.com"]
    urls = [
        "/",
        "/orgs/",
        f"/orgs/{agency.org.code}/",
        reverse("foi:apply_choose"),
        apply_url(agency),
        reverse("foi:track"),
        "/search/?q=老旧小区改造",
        "/api/v1/search?q=老旧小区改造",
        "/sitemap.xml",
    ]
    from gongkai.publishing.models import Column

    urls += [f"/orgs/{agency.org.code}/columns/{c.pk}/" for c in Column.objects.filter(org=agency.org)]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 302}, url
        body = response.content.decode() if response.status_code == 200 else ""
        for secret in secrets:
            assert secret not in body, (url, secret)
    # The staff pages are not public.
    assert client.get(reverse("foi_staff:list")).status_code == 302
    # The applicant's own page (after the code) may show the letter with their name.
    track(client, created.request.tracking_no, created.query_code)
    page = html(client.get(reverse("foi:track_detail", kwargs={"tracking_no": created.request.tracking_no})))
    assert "欧阳隐私" in page and ID_OK not in page and "13700001111" not in page


def test_on_request_column_explains_how_to_apply(client, agency):
    from gongkai.publishing.models import Column

    column = Column.objects.filter(org=agency.org, section="on_request", parent__isnull=True).first()
    assert column is not None
    page = html(client.get(f"/orgs/{agency.org.code}/columns/{column.pk}/"))
    assert apply_url(agency) in page and agency.org.address in page
    assert "第二十九条" in page


def test_upload_disguised_file_refused(agency, media):
    request = register(agency)
    with pytest.raises(Exception, match="内容与扩展名不符"):
        services.reply_file_add(actor=agency.handler, request=request, name="x.pdf", data=b"MZ\x90\x00binary")


def test_submissions_are_rate_limited_per_address(client, agency, settings):
    settings.GONGKAI_FOI_SUBMISSIONS_PER_HOUR = 1
    assert client.post(apply_url(agency), form_post()).status_code == 200
    response = client.post(apply_url(agency), form_post(applicant_name="第二次"))
    assert response.status_code == 429 and "提交过于频繁" in html(response) and "第二次" in html(response)
    assert Request.objects.count() == 1


def test_fee_notice_letter_for_the_applicant(client, agency):
    created = services.request_register(
        actor=agency.handler,
        org=agency.org,
        data=applicant(),
        channel="in_person",
        received_on=date(2025, 1, 20),
    )
    services.fee_notice(
        actor=agency.handler,
        request=created.request,
        on=date(2025, 2, 3),
        basis="per_item",
        quantity=12,
        prior_items=0,
    )
    url = reverse("foi:track_fee_letter", kwargs={"tracking_no": created.request.tracking_no, "fmt": "html"})
    assert client.get(url).status_code == 404
    track(client, created.request.tracking_no, created.query_code)
    page = html(client.get(url))
    assert "收费通知书" in page and "200.00" in page and "按件计收" in page
    detail_page = html(
        client.get(reverse("foi:track_detail", kwargs={"tracking_no": created.request.tracking_no}))
    )
    assert "下载收费通知书" in detail_page and "信息处理费" in detail_page

"""Staff FOI pages through HTTP: permission (anonymous → login, another agency's handler → 404), lists with
de-identified numbers, registration, the request page (ledger, derivation, intake, actions), applicant details
(logged), fees with the calculator, replies with their required fields, files, remedies, letter templates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.foi import services
from gongkai.foi.models import ClockEvent, LetterTemplate, Remedy, Request
from gongkai.orgs.models import Role
from tests.factories import make_user
from tests.foi.factories import ID_OK, register

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def html(response) -> str:
    return response.content.decode()


def detail(pk: int) -> str:
    return reverse("foi_staff:detail", kwargs={"pk": pk})


def act(pk: int, action: str) -> str:
    return reverse("foi_staff:act", kwargs={"pk": pk, "action": action})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture
def request_a(agency) -> Request:
    return register(agency, received_on=date(2025, 1, 20))


def test_anonymous_is_sent_to_login(client, request_a):
    for url in (
        reverse("foi_staff:list"),
        reverse("foi_staff:register"),
        detail(request_a.pk),
        reverse("foi_staff:templates"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    assert client.post(act(request_a.pk, "reply")).status_code == 302


def test_other_agency_and_non_foi_staff_get_404(client, agency, other, request_a, media):
    client.force_login(other.handler)
    urls_get = [
        detail(request_a.pk),
        reverse("foi_staff:letter", kwargs={"pk": request_a.pk, "fmt": "docx"}),
    ]
    for url in urls_get:
        assert client.get(url).status_code == 404
    for url in (
        act(request_a.pk, "supplement_request"),
        reverse("foi_staff:applicant", kwargs={"pk": request_a.pk}),
        reverse("foi_staff:remedy_add", kwargs={"pk": request_a.pk}),
        reverse("foi_staff:file_upload", kwargs={"pk": request_a.pk}),
        reverse("foi_staff:delivery", kwargs={"pk": request_a.pk}),
        reverse("foi_staff:query_code_reset", kwargs={"pk": request_a.pk}),
    ):
        assert client.post(url, {"supplement_request-on": "2025-01-21"}).status_code == 404
    assert (
        client.get(
            reverse("foi_staff:template_edit", kwargs={"org_code": agency.org.code, "kind": "disclosed"})
        ).status_code
        == 404
    )
    page = html(client.get(reverse("foi_staff:list")))
    assert request_a.tracking_no not in page
    client.force_login(agency.drafter)  # no FOI role at all
    assert client.get(reverse("foi_staff:list")).status_code == 404
    assert client.get(detail(request_a.pk)).status_code == 404
    assert client.get(reverse("foi_staff:register")).status_code == 404


def test_list_masks_numbers_and_filters(client, agency, request_a):
    register(agency, received_on=None, applicant_name="王五", phone="13611112222")
    client.force_login(agency.handler)
    page = html(client.get(reverse("foi_staff:list")))
    assert request_a.tracking_no in page
    assert ID_OK not in page and "110105********002X" in page
    assert "13812345678" not in page and "138****5678" in page
    page = html(client.get(reverse("foi_staff:list"), {"status": "awaiting_confirmation"}))
    assert "王五" in page and "张三" not in page.split("全部申请")[1]
    page = html(client.get(reverse("foi_staff:list"), {"q": "王五"}))
    assert request_a.tracking_no not in page.split("全部申请")[1]


def test_due_soon_and_overdue_lists(client, agency):
    overdue = register(agency, received_on=date(2025, 1, 20))
    client.force_login(agency.head)
    page = html(client.get(reverse("foi_staff:list")))
    overdue_section = page.split('id="h-overdue"')[1].split("</section>")[0]
    assert overdue.tracking_no in overdue_section and "2025年2月21日" in overdue_section


def test_register_request_received_by_post(client, agency):
    client.force_login(agency.handler)
    assert client.get(reverse("foi_staff:register")).status_code == 200
    data = {
        "org": agency.org.pk,
        "channel": "post",
        "received_on": "2025-01-20",
        "applicant_type": "business",
        "applicant_name": "某某科技有限公司",
        "contact_name": "赵六",
        "id_type": "uscc",
        "id_number": "91130100MA0XXXXX1X",
        "phone": "0311-88889999",
        "email": "",
        "address": "测试市高新区1号",
        "postcode": "",
        "description": "请提供测政办发[2024]12号文件。",
        "doc_no": "测政办发[2024]12号",
        "preferred_form": "paper",
        "delivery": "post",
    }
    bad = client.post(reverse("foi_staff:register"), {**data, "received_on": "2099-01-01"})
    assert bad.status_code == 400 and "不能晚于今天" in html(bad) and "某某科技有限公司" in html(bad)
    response = client.post(reverse("foi_staff:register"), data)
    assert response.status_code == 200
    request = Request.objects.get(applicant_name="某某科技有限公司")
    assert request.channel == "post" and request.received_on == date(2025, 1, 20) and request.status == "open"
    assert 'id="query-code"' in html(response)


def test_detail_shows_ledger_derivation_and_intake(client, agency, request_a):
    services.consultation_start(
        actor=agency.handler, request=request_a, on=date(2025, 2, 10), party_name="某公司"
    )
    earlier = register(agency, received_on=date(2025, 1, 6))
    client.force_login(agency.handler)
    page = html(client.get(detail(request_a.pk)))
    assert 'id="ledger"' in page and "征求意见" in page and "某公司" in page
    assert 'id="clock-segments"' in page and "工作日" in page
    assert earlier.tracking_no in page  # the same applicant asked before
    assert ID_OK not in page and "查看申请人信息" in page
    # The actions offered follow available_actions: a handler cannot extend.
    assert 'data-action="consultation_end"' in page and 'data-action="extend"' not in page
    client.force_login(agency.head)
    page = html(client.get(detail(request_a.pk)))
    assert 'data-action="extend"' in page and 'data-action="reply"' not in page
    assert "查看申请人信息" not in page  # heads see no personal data


def test_applicant_details_are_logged(client, agency, request_a):
    client.force_login(agency.handler)
    url = reverse("foi_staff:applicant", kwargs={"pk": request_a.pk})
    assert client.get(url).status_code == 405
    page = html(client.post(url))
    assert ID_OK in page and "13812345678" in page and "zhangsan@example.com" in page
    assert AuditEntry.objects.filter(action="foi.applicant_view", object_id=str(request_a.pk)).count() == 1
    client.force_login(agency.head)
    response = client.post(url)
    assert response.status_code == 302
    assert ID_OK not in html(client.get(detail(request_a.pk)))
    # A platform admin sees the request but not the applicant's data until granted the permission.
    admin = make_user("gkb", None, is_platform_admin=True)
    client.force_login(admin)
    page = html(client.get(detail(request_a.pk)))
    assert "查看申请人信息" not in page
    assert client.post(url).status_code == 302
    services.applicant_access_set(actor=None, user=admin, granted=True)
    assert "查看申请人信息" in html(client.get(detail(request_a.pk)))
    assert ID_OK in html(client.post(url))
    assert AuditEntry.objects.filter(action="foi.applicant_view", actor=admin).count() == 1


def test_confirm_supplement_and_receive(client, agency):
    request = register(agency, received_on=None)
    request.submitted_at = datetime(2025, 1, 20, 1, tzinfo=UTC)  # 09:00 in Beijing
    request.save()
    client.force_login(agency.handler)
    r = client.post(act(request.pk, "confirm"), {"confirm-on": "2025-01-20"})
    assert r.status_code == 302
    request.refresh_from_db()
    assert request.status == "open" and request.received_on == date(2025, 1, 20)
    # Missing note: refused, what was typed is kept.
    r = client.post(act(request.pk, "supplement_request"), {"supplement_request-on": "2025-01-22"})
    assert r.status_code == 400 and "请填写需要补正的事项" in html(r) and 'value="2025-01-22"' in html(r)
    r = client.post(
        act(request.pk, "supplement_request"),
        {"supplement_request-on": "2025-02-20", "supplement_request-comment": "请写明年份"},
    )
    assert r.status_code == 400 and "7" in html(r)  # too late (R-FOI-3)
    r = client.post(
        act(request.pk, "supplement_request"),
        {"supplement_request-on": "2025-01-22", "supplement_request-comment": "请写明年份"},
    )
    assert r.status_code == 302
    r = client.post(act(request.pk, "supplement_receive"), {"supplement_receive-on": "2025-01-24"})
    assert r.status_code == 302
    assert [e.type for e in ClockEvent.objects.filter(request=request)] == [
        "supplement_requested",
        "supplement_received",
    ]


def test_r_foi_5_reasons_request_with_a_period_from_the_staff_page(client, agency, request_a):
    client.force_login(agency.handler)
    page = html(client.get(detail(request_a.pk)))
    assert "说明期限（工作日，选填）" in page
    r = client.post(
        act(request_a.pk, "reason_request"),
        {
            "reason_request-on": "2025-01-22",
            "reason_request-comment": "请说明用途",
            "reason_request-period_working_days": "0",
        },
    )
    assert r.status_code == 400 and not ClockEvent.objects.filter(request=request_a).exists()
    r = client.post(
        act(request_a.pk, "reason_request"),
        {
            "reason_request-on": "2025-01-22",
            "reason_request-comment": "请说明用途",
            "reason_request-period_working_days": "5",
        },
    )
    assert r.status_code == 302
    event = ClockEvent.objects.get(request=request_a)
    assert (event.type, event.working_days) == ("reason_requested", 5)


def test_action_not_offered_is_refused(client, agency, request_a):
    client.force_login(agency.handler)
    r = client.post(act(request_a.pk, "extend"), {"extend-on": "2025-02-03", "extend-working_days": "5"})
    assert r.status_code == 302
    assert not ClockEvent.objects.exists()
    assert client.post(act(request_a.pk, "nonsense")).status_code == 404


def test_extension_by_head(client, agency, request_a):
    client.force_login(agency.head)
    data = {"extend-on": "2025-02-20", "extend-working_days": "30", "extend-comment": "需协调"}
    r = client.post(act(request_a.pk, "extend"), data)
    assert r.status_code == 400 and "不能大于 20" in html(r)
    r = client.post(act(request_a.pk, "extend"), {**data, "extend-working_days": "10"})
    assert r.status_code == 302
    assert ClockEvent.objects.get().working_days == 10


def test_r_foi_5_reason_then_later_date_through_the_pages(client, agency, request_a):
    client.force_login(agency.handler)
    page = html(client.get(detail(request_a.pk)))
    assert 'data-action="reason_request"' in page and 'data-action="later_date"' not in page
    r = client.post(act(request_a.pk, "reason_request"), {"reason_request-on": "2025-01-22"})
    assert r.status_code == 400 and "需要说明的事项" in html(r)
    data = {"reason_request-on": "2025-01-22", "reason_request-comment": "请说明申请用途"}
    assert client.post(act(request_a.pk, "reason_request"), data).status_code == 302
    data = {"reason_receive-on": "2025-01-27", "reason_receive-comment": "课题研究"}
    assert client.post(act(request_a.pk, "reason_receive"), data).status_code == 302
    client.force_login(agency.head)
    data = {
        "later_date-on": "2025-02-10",
        "later_date-reply_by": "2025-02-20",
        "later_date-comment": "理由合理",
    }
    r = client.post(act(request_a.pk, "later_date"), data)
    assert r.status_code == 400 and "应晚于现行答复期限" in html(r)
    r = client.post(act(request_a.pk, "later_date"), {**data, "later_date-reply_by": "2025-03-31"})
    assert r.status_code == 302
    page = html(client.get(detail(request_a.pk)))
    assert "依条例第三十五条确定延迟答复期限至" in page
    assert "答复期限由2025年2月21日延至2025年3月31日" in page
    assert "条例第三十五条" in page and "确定延迟答复期限" in page


def test_fee_calculator_then_notice_and_payment(client, agency, request_a):
    client.force_login(agency.handler)
    data = {"fee_notice-on": "2025-02-03", "fee_notice-basis": "per_page", "fee_notice-quantity": "201"}
    r = client.post(act(request_a.pk, "fee_notice"), {**data, "preview": "1"})
    assert r.status_code == 200
    page = html(r)
    assert 'id="fee-amount">2740<' in page and "按量计收" in page
    assert not ClockEvent.objects.exists()  # a preview writes nothing
    r = client.post(act(request_a.pk, "fee_notice"), {**data, "fee_notice-quantity": "20"})
    assert r.status_code == 400 and "无需收取信息处理费" in html(r)
    r = client.post(act(request_a.pk, "fee_notice"), data)
    assert r.status_code == 302
    request_a.refresh_from_db()
    assert request_a.fee_amount == 2740
    letter = client.get(reverse("foi_staff:fee_letter", kwargs={"pk": request_a.pk, "fmt": "html"}))
    assert "2740.00" in html(letter) and "第201—201页" in html(letter)
    r = client.post(act(request_a.pk, "fee_pay"), {"fee_pay-on": "2025-02-05"})
    assert r.status_code == 302


def test_reply_requires_outcome_specific_fields(client, agency, request_a):
    client.force_login(agency.handler)
    base = {"reply-on": "2025-02-03", "reply-outcome": "withheld.third_party"}
    r = client.post(act(request_a.pk, "reply"), base)
    assert r.status_code == 400
    assert "须写明理由" in html(r) and 'href="#id_reply-reason"' in html(r)
    r = client.post(
        act(request_a.pk, "reply"),
        {**base, "reply-reason": "涉及第三方商业秘密", "reply-legal_basis": "《条例》第十五条"},
    )
    assert r.status_code == 302
    request_a.refresh_from_db()
    assert request_a.status == "replied" and request_a.outcome == "withheld.third_party"
    page = html(client.get(detail(request_a.pk)))
    assert "涉及第三方商业秘密" in page and "下载答复书" in page


def test_reply_default_legal_basis_when_not_required(client, agency, request_a):
    client.force_login(agency.handler)
    r = client.post(act(request_a.pk, "reply"), {"reply-on": "2025-02-03", "reply-outcome": "disclosed"})
    assert r.status_code == 302
    request_a.refresh_from_db()
    assert "第三十六条" in request_a.reply_details["legal_basis"]


def test_forward_and_withdraw(client, agency, other, request_a):
    client.force_login(agency.handler)
    r = client.post(
        act(request_a.pk, "forward"), {"forward-on": "2025-02-03", "forward-to_org": other.org.pk}
    )
    assert r.status_code == 302
    assert Request.objects.filter(org=other.org, forwarded_from=request_a).exists()
    second = register(agency, received_on=date(2025, 1, 20))
    r = client.post(act(second.pk, "withdraw"), {"withdraw-on": "2025-01-21"})
    assert r.status_code == 400 and "请填写撤回原因" in html(r)
    r = client.post(
        act(second.pk, "withdraw"), {"withdraw-on": "2025-01-21", "withdraw-comment": "申请人电话撤回"}
    )
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.status == "withdrawn"


def test_event_cancel(client, agency, request_a):
    event_request = services.consultation_start(actor=agency.handler, request=request_a, on=date(2025, 2, 10))
    event = ClockEvent.objects.get(request=event_request)
    client.force_login(agency.handler)
    r = client.post(
        act(request_a.pk, "event_cancel"),
        {
            "event_cancel-on": "2025-02-11",
            "event_cancel-event_id": str(event.pk),
            "event_cancel-comment": "误录",
        },
    )
    assert r.status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None


def test_files_delivery_and_remedies(client, agency, request_a, media):
    client.force_login(agency.handler)
    bad = client.post(
        reverse("foi_staff:file_upload", kwargs={"pk": request_a.pk}),
        {"file-file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00not a pdf")},
    )
    assert bad.status_code == 400 and "内容与扩展名不符" in html(bad)
    ok = client.post(
        reverse("foi_staff:file_upload", kwargs={"pk": request_a.pk}),
        {"file-file": SimpleUploadedFile("方案.pdf", PDF)},
    )
    assert ok.status_code == 302
    file_id = request_a.files.get().pk
    download = client.get(reverse("foi_staff:file", kwargs={"pk": request_a.pk, "file_id": file_id}))
    assert b"".join(download.streaming_content) == PDF
    services.request_reply(
        actor=agency.handler, request=request_a, outcome="disclosed", replied_on=date(2025, 2, 3)
    )
    url = reverse("foi_staff:delivery", kwargs={"pk": request_a.pk})
    r = client.post(url, {"delivery-delivered_on": "2025-02-01", "delivery-method": "post"})
    assert r.status_code == 400 and "送达日期不能早于答复日期" in html(r)
    assert (
        client.post(url, {"delivery-delivered_on": "2025-02-05", "delivery-method": "post"}).status_code
        == 302
    )
    url = reverse("foi_staff:remedy_add", kwargs={"pk": request_a.pk})
    r = client.post(
        url,
        {
            "remedy-kind": "review",
            "remedy-filed_on": "2025-03-01",
            "remedy-decided_on": "2025-02-01",
            "remedy-result": "upheld",
        },
    )
    assert r.status_code == 400 and "审结日期不能早于提起日期" in html(r)
    r = client.post(
        url, {"remedy-kind": "review", "remedy-filed_on": "2025-03-01", "remedy-result": "pending"}
    )
    assert r.status_code == 302
    remedy = Remedy.objects.get()
    r = client.post(
        reverse("foi_staff:remedy_update", kwargs={"pk": request_a.pk, "remedy_id": remedy.pk}),
        {f"remedy{remedy.pk}-result": "corrected", f"remedy{remedy.pk}-decided_on": "2025-05-01"},
    )
    assert r.status_code == 302
    remedy.refresh_from_db()
    assert remedy.result == "corrected" and remedy.decided_on == date(2025, 5, 1)


def test_query_code_reset(client, agency, request_a):
    client.force_login(agency.handler)
    page = html(client.post(reverse("foi_staff:query_code_reset", kwargs={"pk": request_a.pk})))
    assert 'id="query-code"' in page


def test_letter_templates_edit_and_reset(client, agency, request_a):
    client.force_login(agency.handler)
    assert "答复书：予以公开" in html(client.get(reverse("foi_staff:templates")))
    url = reverse("foi_staff:template_edit", kwargs={"org_code": agency.org.code, "kind": "disclosed"})
    assert "{救济途径}" in html(client.get(url))
    r = client.post(url, {"body": "{申请人}：{未知}"})
    assert r.status_code == 400 and "{未知}" in html(r)
    r = client.post(url, {"body": "{申请人}：\n本局特此答复：{答复内容}\n{救济途径}\n{机关}\n{答复日期}"})
    assert r.status_code == 302
    assert LetterTemplate.objects.get(org=agency.org, kind="disclosed").body.startswith("{申请人}")
    services.request_reply(
        actor=agency.handler, request=request_a, outcome="disclosed", replied_on=date(2025, 2, 3)
    )
    page = html(client.get(reverse("foi_staff:letter", kwargs={"pk": request_a.pk, "fmt": "html"})))
    assert "本局特此答复" in page
    r = client.post(url, {"body": "x", "reset": "1"})
    assert r.status_code == 302 and not LetterTemplate.objects.exists()


def test_platform_admin_sees_every_agency(client, agency, request_a):
    admin = make_user("pa", agency.org, Role.FOI_HEAD)
    admin.is_platform_admin = True
    admin.save()
    client.force_login(admin)
    assert client.get(detail(request_a.pk)).status_code == 200


def test_file_delete(client, agency, other, request_a, media):
    row = services.reply_file_add(actor=agency.handler, request=request_a, name="a.pdf", data=PDF)
    url = reverse("foi_staff:file_delete", kwargs={"pk": request_a.pk, "file_id": row.pk})
    client.force_login(other.handler)
    assert client.post(url).status_code == 404
    client.force_login(agency.handler)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not request_a.files.exists()


def test_intake_panel_finds_published_items(client, agency, request_a):
    from tests.factories import make_agency, publish

    publisher = make_agency("p")
    item = publish(publisher, "测试市老旧小区改造实施方案", doc_no="测政办发[2024]12号")
    numbered = register(agency, received_on=date(2025, 1, 20), description="请提供测政办发〔2024〕12号。")
    client.force_login(agency.handler)
    page = html(client.get(detail(numbered.pk)))
    assert f'href="/items/{item.pk}/"' in page and "测试市老旧小区改造实施方案" in page

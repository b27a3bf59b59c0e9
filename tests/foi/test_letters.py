"""Reply letters (答复告知书) and fee notices as Word documents (R-FOI-6, R-FOI-7): the text read back with
python-docx — the outcome's legal basis, the reply's details, and the remedy paragraph by outcome and date."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from gongkai.core.errors import ApplicationError
from gongkai.foi import conf, fees, letters, outcomes, selectors, services
from gongkai.foi.clock import cn_date
from gongkai.foi.documents import letter_docx
from tests.foi.factories import applicant, register

pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)


def replied(agency, outcome: str, on: date, received: date, **details: str):
    request = register(agency, received_on=received)
    services.request_reply(
        actor=agency.handler, request=request, outcome=outcome, replied_on=on, details=details
    )
    request.refresh_from_db()
    return request


def test_every_outcome_has_a_default_letter_with_every_placeholder_filled():
    for code in outcomes.OUTCOMES:
        body = letters.default_body(code)
        assert "{救济途径}" in body and "{法律依据}" in body and not letters.unknown_placeholders(body, code)
    assert not letters.unknown_placeholders(letters.default_body(letters.FEE_NOTICE), letters.FEE_NOTICE)


def test_withheld_since_2024_offers_review_first(agency):
    request = replied(
        agency,
        "withheld.third_party",
        date(2025, 2, 3),
        date(2025, 1, 20),
        reason="涉及第三方商业秘密，第三方不同意公开",
        legal_basis="《中华人民共和国政府信息公开条例》第十五条",
    )
    text = docx_text(letter_docx(selectors.reply_letter(request)))
    assert "政府信息公开申请答复书" in text and request.tracking_no in text
    assert "依据：《中华人民共和国政府信息公开条例》第十五条" in text
    assert "涉及第三方商业秘密，第三方不同意公开" in text
    assert "张三" in text and "2025年1月20日" in text and "2025年2月3日" in text
    assert "第二十三条第一款第（四）项" in text and "应当先" in text and "申请行政复议" in text
    assert "十五日内" in text and "第四十六条" not in text  # litigation only after the review


def test_withheld_before_2024_offers_review_or_litigation(agency):
    request = replied(
        agency,
        "withheld.state_secret",
        date(2023, 6, 2),
        date(2023, 5, 22),
        reason="属于国家秘密",
        legal_basis="《中华人民共和国保守国家秘密法》",
    )
    text = docx_text(letter_docx(selectors.reply_letter(request)))
    assert "第二十三条" not in text
    assert "第九条" in text and "六个月内" in text and "第四十六条" in text


def test_disclosed_letter_uses_the_outcome_default_basis_and_both_remedies(agency):
    request = replied(agency, "disclosed", date(2025, 2, 3), date(2025, 1, 20))
    text = docx_text(letter_docx(selectors.reply_letter(request)))
    assert "本机关予以公开" in text
    assert "第三十六条第（一）项、第（二）项" in text
    assert "第二十条" in text and "六个月内" in text and "第四十六条" in text


def test_not_ours_letter_names_the_responsible_agency(agency):
    request = replied(
        agency,
        "unable.not_held",
        date(2025, 2, 3),
        date(2025, 1, 20),
        variant="not_ours",
        reason="该信息由市自然资源局制作",
        responsible_agency="测试市自然资源局",
        responsible_contact="电话：0311-1234567",
    )
    letter = selectors.reply_letter(request)
    assert letter.title == "政府信息公开申请告知书"
    text = docx_text(letter_docx(letter))
    assert "负责公开该政府信息的机关为测试市自然资源局，联系方式：电话：0311-1234567" in text


def test_agency_template_is_used_and_bad_placeholders_refused(agency):
    with pytest.raises(ApplicationError, match="占位符"):
        services.letter_template_save(actor=agency.handler, org=agency.org, kind="disclosed", body="{无此项}")
    with pytest.raises(ApplicationError):
        services.letter_template_save(actor=agency.drafter, org=agency.org, kind="disclosed", body="{申请人}")
    services.letter_template_save(
        actor=agency.handler,
        org=agency.org,
        kind="disclosed",
        body="尊敬的{申请人}：\n{答复内容}\n{救济途径}",
    )
    request = replied(agency, "disclosed", date(2025, 2, 3), date(2025, 1, 20))
    text = docx_text(letter_docx(selectors.reply_letter(request)))
    assert "尊敬的张三：" in text and "六个月内" in text


def test_fee_notice_letter(agency):
    request = register(agency, received_on=date(2025, 1, 20))
    services.fee_notice(
        actor=agency.handler, request=request, on=date(2025, 2, 3), basis="per_page", quantity=120
    )
    request.refresh_from_db()
    text = docx_text(letter_docx(selectors.fee_letter(request)))
    assert "信息处理费收费通知书" in text
    assert "按量计收" in text and "120页" in text
    # 1–30 free, 31–100 × 10, 101–120 × 20.
    assert "第31—100页，70页×10元=700元" in text and "第101—120页，20页×20元=400元" in text
    assert "1100.00元" in text
    due = fees.payment_due(conf.schedule(), date(2025, 2, 3))  # the 20th working day after the notice
    assert due > date(2025, 2, 28) and f"请于{cn_date(due)}前" in text


def test_staff_and_applicant_download_the_same_docx(client, agency):
    created = services.request_register(
        actor=agency.handler,
        org=agency.org,
        data=applicant(),
        channel="in_person",
        received_on=date(2025, 1, 20),
    )
    services.request_reply(
        actor=agency.handler, request=created.request, outcome="disclosed", replied_on=date(2025, 2, 3)
    )
    client.force_login(agency.handler)
    staff = client.get(reverse("foi_staff:letter", kwargs={"pk": created.request.pk, "fmt": "docx"}))
    client.logout()
    client.post(
        reverse("foi:track"), {"tracking_no": created.request.tracking_no, "query_code": created.query_code}
    )
    public = client.get(
        reverse("foi:track_letter", kwargs={"tracking_no": created.request.tracking_no, "fmt": "docx"})
    )
    assert docx_text(staff.content) == docx_text(public.content)
    assert "attachment;" in public["Content-Disposition"]

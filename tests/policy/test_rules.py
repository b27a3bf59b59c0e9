"""The pure rules (no database): R-WEB-4 guide elements, R-INT-3 titles, the 权责清单 diff, the state machines."""

from gongkai.policy import rules
from gongkai.policy.models import PowerEntry
from tests.policy.conftest import COMPLETE_GUIDE


def test_rules_module_has_no_django_import():
    import inspect

    assert "django" not in inspect.getsource(rules)


def test_r_web_4_complete_guide_has_no_missing_elements():
    assert rules.guide_missing_elements(COMPLETE_GUIDE) == []
    assert rules.guide_missing_message([]) == ""


def test_r_web_4_names_each_missing_element_in_statutory_order():
    values = {**COMPLETE_GUIDE, "basis": "  ", "phone": "", "process": "无"}
    del values["handling_org"]
    missing = rules.guide_missing_elements(values)
    assert missing == ["设定依据", "办理机构", "联系电话", "办理流程"]
    message = rules.guide_missing_message(missing)
    assert message == "办事指南缺少以下要素，不能发布：设定依据、办理机构、联系电话、办理流程。"


def test_r_web_4_ten_elements_of_2019():
    assert [label for _, label in rules.GUIDE_ELEMENTS] == [
        "事项名称",
        "设定依据",
        "申请条件",
        "办理材料",
        "办理地点",
        "办理机构",
        "收费标准",
        "办理时间",
        "联系电话",
        "办理流程",
    ]


def test_r_web_4_fees_may_say_no_fee_but_not_be_empty():
    assert rules.guide_missing_elements({**COMPLETE_GUIDE, "fees": "不收费"}) == []
    missing = rules.guide_missing_elements({**COMPLETE_GUIDE, "fees": ""})
    assert missing == ["收费标准"]
    assert "请在收费标准中填写“不收费”" in rules.guide_missing_message(missing)


def test_r_int_3_title_must_state_the_subject():
    subject = "关于加强社区养老服务的建议"
    assert rules.proposal_title_error(f"关于《{subject}》的答复", subject) == ""
    # Brackets and spaces do not matter.
    assert rules.proposal_title_error("对“关于加强社区 养老服务的建议”的答复", subject) == ""
    # The common bad form: only the number.
    error = rules.proposal_title_error("关于市十六届人大三次会议第123号建议的答复", subject)
    assert "须写明" in error and subject in error
    assert rules.proposal_title_error("关于的答复", "") != ""
    assert rules.proposal_default_title("《某主题》") == "关于《某主题》的答复"


def test_proposal_number_parse():
    assert rules.proposal_number_parse("第123号") == 123
    assert rules.proposal_number_parse(" 45号") == 45
    assert rules.proposal_number_parse("７") == 7
    assert rules.proposal_number_parse("第abc号") is None
    assert rules.proposal_number_parse("") is None


def test_power_categories_match_the_model():
    field = PowerEntry._meta.get_field("category")
    assert [v for v, _ in field.choices] == [v for v, _ in rules.POWER_CATEGORIES]
    assert len(rules.POWER_CATEGORIES) == 10


def _entry(key, name, **kw):
    return {
        "key": key,
        "name": name,
        "category": "行政许可",
        "basis": "依据",
        "responsible": "甲局",
        "remarks": "",
        **kw,
    }


def test_power_diff_added_removed_changed():
    before = [_entry("k1", "甲许可"), _entry("k2", "乙处罚"), _entry("k3", "丙检查")]
    after = [_entry("k1", "甲许可（更名）"), _entry("k3", "丙检查"), _entry("k4", "丁确认")]
    diff = rules.power_list_diff(before, after)
    assert [e["name"] for e in diff.added] == ["丁确认"]
    assert [e["name"] for e in diff.removed] == ["乙处罚"]
    assert len(diff.changed) == 1
    assert diff.changed[0].name == "甲许可（更名）"
    assert diff.changed[0].fields == [("事项名称", "甲许可", "甲许可（更名）")]
    assert not diff.empty
    assert rules.power_list_diff(before, before).empty


def test_state_machine_tables():
    assert rules.transition_for(rules.RECORD_TRANSITIONS, "publish", "draft") is not None
    assert rules.transition_for(rules.RECORD_TRANSITIONS, "publish", "published") is None
    assert rules.transition_for(rules.GUIDE_TRANSITIONS, "publish", "published") is not None
    assert rules.transition_for(rules.RECORD_TRANSITIONS, "withdraw", "draft") is None
    assert rules.available_actions(rules.RECORD_TRANSITIONS, "draft", {"drafter"}) == []
    assert [t.action for t in rules.available_actions(rules.RECORD_TRANSITIONS, "draft", {"publisher"})] == [
        "publish"
    ]

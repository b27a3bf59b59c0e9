"""Forms of the staff back office. Chinese messages; the user's input is kept on error."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.orgs.models import Organization
from gongkai.publishing.metadata import GENRES, SUBJECTS
from gongkai.publishing.models import Column, InfoItem
from gongkai.publishing.services import ItemData

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(forms.Form):
    org = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label="发布机构",
        error_messages={"required": "请选择发布机构。", "invalid_choice": "发布机构无效。"},
    )
    title = forms.CharField(
        label="标题",
        max_length=500,
        error_messages={"required": "标题不能为空。", "max_length": "标题不能超过 500 个字。"},
    )
    doc_no = forms.CharField(
        label="文号",
        max_length=100,
        required=False,
        help_text="如：示政办发〔2025〕12号；方括号可输入 [ ]、【 】、( )，保存时统一。",
    )
    subject_parent = forms.ChoiceField(
        label="主题分类", required=False, choices=[("", "（请选择）")] + [(s, s) for s in SUBJECTS]
    )
    subject_child = forms.CharField(label="主题分类（二级）", max_length=50, required=False)
    genre = forms.ChoiceField(
        label="公文种类", required=False, choices=[("", "（无）")] + [(g, g) for g in GENRES]
    )
    kind = forms.ChoiceField(label="文件类别", choices=InfoItem.Kind.choices, initial=InfoItem.Kind.OTHER)
    disclosure = forms.ChoiceField(
        label="公开属性", choices=InfoItem.Disclosure.choices, initial=InfoItem.Disclosure.PROACTIVE
    )
    disclosure_reason = forms.CharField(label="不主动公开的理由", max_length=500, required=False)
    validity = forms.ChoiceField(
        label="有效性", choices=InfoItem.Validity.choices, initial=InfoItem.Validity.VALID
    )
    written_on = forms.DateField(
        label="成文日期",
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": "请输入有效日期（年-月-日）。"},
    )
    formed_on = forms.DateField(
        label="信息形成（变更）日期",
        required=False,
        widget=DATE_INPUT,
        help_text="自该日起 20 个工作日内应予公开（条例第二十六条）。",
        error_messages={"invalid": "请输入有效日期（年-月-日）。"},
    )
    effective_on = forms.DateField(
        label="施行日期",
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": "请输入有效日期（年-月-日）。"},
    )
    valid_until = forms.DateField(
        label="有效期至",
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": "请输入有效日期（年-月-日）。"},
    )
    keywords = forms.CharField(label="主题词", max_length=300, required=False)
    source = forms.CharField(
        label="信息来源", max_length=200, required=False, help_text="转载信息请注明来源。"
    )
    interpretation_exemption = forms.CharField(
        label="不进行政策解读的理由",
        max_length=500,
        required=False,
        help_text="规章、行政规范性文件应与政策解读一同报送审核（三同步）；确无必要解读的，在此说明理由，由审核人决定。",
    )
    columns = forms.ModelMultipleChoiceField(
        queryset=Column.objects.none(),
        label="所属栏目",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": "栏目无效。"},
    )
    body_html = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea,
        help_text="可使用段落、表格、链接等格式；脚本和样式会被自动清除。",
    )
    attachment = forms.FileField(
        label="添加附件", required=False, help_text="PDF、DOC/DOCX、XLS/XLSX、OFD、图片；类型按文件内容检查。"
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = orgs
        columns_field = self.fields["columns"]
        assert isinstance(columns_field, forms.ModelMultipleChoiceField)
        columns_field.queryset = Column.objects.filter(org__in=orgs).select_related("org", "parent")
        columns_field.label_from_instance = lambda c: (  # type: ignore[method-assign,assignment]
            f"{c.org.short_name or c.org.name} · {c.parent.name + ' / ' if c.parent else ''}{c.name}"
        )

    @staticmethod
    def initial_from(item: InfoItem) -> dict[str, Any]:
        parent, _, child = item.subject.partition("\\")
        return {
            "org": item.org_id,
            "title": item.title,
            "doc_no": item.doc_no,
            "subject_parent": parent,
            "subject_child": child,
            "genre": item.genre,
            "kind": item.kind,
            "disclosure": item.disclosure,
            "disclosure_reason": item.disclosure_reason,
            "validity": item.validity,
            "written_on": item.written_on,
            "formed_on": item.formed_on,
            "effective_on": item.effective_on,
            "valid_until": item.valid_until,
            "keywords": item.keywords,
            "source": item.source,
            "columns": list(item.columns.all()),
            "body_html": item.body_html,
            "interpretation_exemption": item.interpretation_exemption,
        }

    def item_data(self) -> ItemData:
        d = self.cleaned_data
        subject = d["subject_parent"]
        if subject and d["subject_child"].strip():
            subject = f"{subject}\\{d['subject_child'].strip()}"
        return ItemData(
            title=d["title"],
            body_html=d["body_html"],
            doc_no=d["doc_no"],
            subject=subject,
            genre=d["genre"],
            keywords=d["keywords"],
            kind=d["kind"],
            disclosure=d["disclosure"],
            disclosure_reason=d["disclosure_reason"],
            validity=d["validity"],
            written_on=d["written_on"],
            formed_on=d["formed_on"],
            effective_on=d["effective_on"],
            valid_until=d["valid_until"],
            source=d["source"],
            interpretation_exemption=d["interpretation_exemption"],
            columns=list(d["columns"]),
        )


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=20)
    comment = forms.CharField(required=False, max_length=2000)


class ReviseForm(ItemForm):
    reason = forms.CharField(
        label="更正原因", max_length=500, error_messages={"required": "请填写更正原因。"}
    )


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label="有效性", choices=InfoItem.Validity.choices)
    changed_on = forms.DateField(
        label="变更日期",
        required=False,
        widget=DATE_INPUT,
        error_messages={"invalid": "请输入有效日期（年-月-日）。"},
    )
    by_index_no = forms.CharField(label="修改或废止它的文件（索引号或文号）", max_length=100, required=False)


class ColumnForm(forms.Form):
    name = forms.CharField(
        label="栏目名称", max_length=100, error_messages={"required": "栏目名称不能为空。"}
    )
    parent = forms.ModelChoiceField(queryset=Column.objects.none(), label="上级栏目", required=False)
    update_class = forms.ChoiceField(
        label="更新类别", choices=Column.UpdateClass.choices, initial=Column.UpdateClass.NOTICE
    )
    responsible = forms.CharField(label="责任单位", max_length=100, required=False)
    first_level = forms.BooleanField(label="一级栏目", required=False)
    sort_order = forms.IntegerField(
        label="排序", required=False, initial=0, error_messages={"invalid": "排序须为整数。"}
    )
    structure = forms.ChoiceField(
        label="结构化信息",
        choices=[],
        required=False,
        help_text="重大建设项目、公共资源配置等栏目的信息带有可筛选的字段。",
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        from gongkai.publishing.structures import CHOICES

        super().__init__(*args, **kwargs)
        structure_field = self.fields["structure"]
        assert isinstance(structure_field, forms.ChoiceField)
        structure_field.choices = CHOICES
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parent_field.queryset = Column.objects.filter(org=org)

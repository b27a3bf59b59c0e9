"""Agencies (集约化: all on one platform), users and their roles per agency."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Organization(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "人民政府"
        DEPARTMENT = "department", "政府部门"
        TOWNSHIP = "township", "乡镇（街道）"
        PUBLIC_INSTITUTION = "public_institution", "公共企事业单位"

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "设区的市级"
        COUNTY = "county", "县级"
        TOWNSHIP = "township", "乡级"

    code = models.CharField(
        "机构代码", max_length=18, unique=True, help_text="统一社会信用代码或组织机构代码"
    )
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级机关",
    )
    kind = models.CharField("类型", max_length=32, choices=Kind.choices)
    level = models.CharField("层级", max_length=16, choices=Level.choices, blank=True)
    doc_prefix = models.CharField("机关代字", max_length=20, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    fax = models.CharField("传真", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    website = models.URLField("网站", blank=True)
    sort_order = models.IntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "机关"
        verbose_name_plural = "机关"

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: agency staff or a platform administrator (政务公开办)."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    is_platform_admin = models.BooleanField("政务公开办管理员", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    DRAFTER = "drafter", "拟稿人"
    REVIEWER = "reviewer", "审核人"
    PUBLISHER = "publisher", "发布人"
    FOI_HANDLER = "foi_handler", "依申请公开经办人"
    FOI_HEAD = "foi_head", "政府信息公开工作机构负责人"
    MESSAGE_HANDLER = "message_handler", "互动办理人"
    DATA_PUBLISHER = "data_publisher", "数据发布人"
    ORG_ADMIN = "org_admin", "单位管理员"


class Membership(models.Model):
    """One role of one user in one agency. A person may hold roles in several agencies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="uniq_membership")]
        ordering = ["org__code", "user__username", "role"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org.code}: {self.role}"

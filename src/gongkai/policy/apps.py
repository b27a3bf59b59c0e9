from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """办事指南, 权责清单, 政策问答库, 建议提案办理结果: records that cite or complement the policy documents."""

    name = "gongkai.policy"
    label = "policy"
    verbose_name = "政策服务"

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gongkai.orgs"
    label = "orgs"
    verbose_name = "机关与用户"

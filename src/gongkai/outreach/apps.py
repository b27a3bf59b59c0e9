from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "gongkai.outreach"
    label = "outreach"
    verbose_name = "舆情回应、在线访谈与网上调查"

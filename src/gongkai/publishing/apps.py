from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "gongkai.publishing"
    label = "publishing"
    verbose_name = "主动公开"

    def ready(self) -> None:
        from django.core import checks

        from gongkai.publishing.checks import check_index_no_pattern

        checks.register(check_index_no_pattern)

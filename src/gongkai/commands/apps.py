from django.apps import AppConfig


class CommandsConfig(AppConfig):
    """Holds the `gongkai` sub-commands; each dispatches to the services of the app it concerns."""

    name = "gongkai.commands"
    label = "gongkai_commands"
    verbose_name = "命令行"

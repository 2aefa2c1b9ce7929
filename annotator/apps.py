from django.apps import AppConfig


class AnnotatorConfig(AppConfig):
    """The project package is an app too: project-wide commands, template tags and roles migration."""

    name = "annotator"
    verbose_name = "Annotator"

    def ready(self) -> None:
        from annotator.lib.verbose_names import translate_automatic_verbose_names

        translate_automatic_verbose_names()

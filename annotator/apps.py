from django.apps import AppConfig


class AnnotatorConfig(AppConfig):
    """The project package is an app too: project-wide commands, template tags and roles migration."""

    name = "annotator"
    verbose_name = "Annotator"

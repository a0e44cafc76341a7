from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "Guides and content"

    def ready(self):
        from . import signals

        signals.connect(self)

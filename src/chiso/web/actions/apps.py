from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "chiso.web.actions"
    label = "actions"
    verbose_name = "Hành động khắc phục"

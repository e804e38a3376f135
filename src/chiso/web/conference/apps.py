from django.apps import AppConfig


class ConferenceConfig(AppConfig):
    name = "chiso.web.conference"
    label = "conference"
    verbose_name = "Hội nghị"

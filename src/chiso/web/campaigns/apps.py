from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "chiso.web.campaigns"
    label = "campaigns"
    verbose_name = "Tham luận"

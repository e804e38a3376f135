from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chiso.web.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và cơ quan"

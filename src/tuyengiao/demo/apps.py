from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province's data and the command that loads it; no models of its own."""

    name = "tuyengiao.demo"
    label = "demo"

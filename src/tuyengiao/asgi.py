import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
application = get_asgi_application()
# Refuse to start without a secret key rather than fail on the first request (Django raises here).
settings.SECRET_KEY  # noqa: B018

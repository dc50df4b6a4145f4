"""The WSGI entry point gunicorn serves: `gunicorn -c gunicorn.conf.py service.wsgi:app`."""

from service import create_app

app = create_app()

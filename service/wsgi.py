"""The WSGI entry point gunicorn serves: `gunicorn -c gunicorn.conf.py service.wsgi:app`."""

import gc

from service import create_app

app = create_app()
# The benchmark data lives as long as the worker: moved out of the collector's sight (after the
# start-up garbage is collected), a full collection no longer walks it (about 95 ms with 100k
# products, a pause some request would wait out).
gc.collect()
gc.freeze()

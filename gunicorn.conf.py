"""Production server settings; every value can be overridden from the environment."""

import multiprocessing
import os
import shutil
import tempfile

from service import server_errors
from service.logs import gunicorn_logconfig
from service.settings import Settings


def _scratch(variable: str, name: str) -> str:
    """A directory from the environment, or a temporary one this server creates and removes."""
    if variable not in os.environ:
        os.environ[variable] = os.path.join(tempfile.gettempdir(), f"diffscore-{name}-{os.getpid()}")
        _temporary.append(os.environ[variable])
    return os.environ[variable]


_temporary: list[str] = []
# Every worker writes its metrics here so that /metrics adds them up (prometheus_client multiprocess
# mode). Set before any worker imports prometheus_client; wiped when the master starts.
metrics_dir = _scratch("PROMETHEUS_MULTIPROC_DIR", "metrics")
# Without Redis, registered catalogs are shared by this server's workers through files here.
_scratch("DIFFSCORE_CATALOG_DIR", "catalogs")

bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Scoring is CPU-bound and answers in milliseconds; a request that needs more is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Looser than the app's own limits (DIFFSCORE_MAX_URL_BYTES, DIFFSCORE_MAX_HEADER_BYTES), so that the
# app answers first, naming what was too long; past these gunicorn answers itself, in problem+json too.
_settings = Settings.from_env()
limit_request_line = min(2 * _settings.max_url_bytes, 8190)     # 8190: the most gunicorn takes
limit_request_field_size = 2 * _settings.max_header_bytes
server_errors.install()
# Recycle workers now and then so that no slow leak can grow without bound; jitter avoids a herd.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn's control socket (for gunicornc) among this server's scratch files: the default, under
# $HOME, is read-only in the container (readOnlyRootFilesystem) and shared by every server of a user.
control_socket = os.path.join(tempfile.gettempdir(), f"diffscore-gunicorn-{os.getpid()}.ctl")
# The app (benchmark data, cache clients) is created in each worker after the fork.
preload_app = False
# The app writes one JSON line per request (route, status, latency, cache, request id); gunicorn's
# own access log is off unless asked for. gunicorn's own lines (start, workers, errors) are JSON too.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
logconfig_dict = gunicorn_logconfig(loglevel, accesslog)


def on_starting(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    for directory in _temporary:
        shutil.rmtree(directory, ignore_errors=True)

# syntax=docker/dockerfile:1
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

WORKDIR /app

# Dependencies in their own layer: only runtime requirements, pinned in setup.cfg. Both packages that
# setup.cfg names (service, and scripts for the diffscore-batch command) go in.
COPY setup.cfg pyproject.toml README.md LICENSE ./
COPY service ./service
COPY scripts ./scripts
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --no-create-home diffscore

COPY gunicorn.conf.py ./

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "service.wsgi:app"]

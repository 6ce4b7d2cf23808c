# TaxAlpha production image: gunicorn + whitenoise for the web, the same image for the
# Celery worker, beat and the one-shot migrate (docker-compose.yml picks the command).
# Configuration comes from the environment only (config/settings.py); see docs/DEPLOY.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 taxalpha
WORKDIR /app

# Dependencies first (pinned in pyproject.toml), so code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY --chown=taxalpha:taxalpha . .
RUN install -d -o taxalpha -g taxalpha /app/staticfiles
USER taxalpha

# Static files are collected at build time (hashed and compressed for whitenoise). The
# build needs no database and no real secret: these values exist for this step only.
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--error-logfile", "-"]

# One image for web (gunicorn), worker and beat (celery); docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=blueprint.settings \
    BLUEPRINT_VAR_DIR=/app/var

WORKDIR /app

# Dependencies first, so code changes reuse this layer. pyproject.toml installs no
# package of its own (packages = []): `pip install .` brings only the dependencies.
COPY pyproject.toml README.md ./
RUN pip install . && rm -rf build *.egg-info

COPY . .
RUN useradd --system --create-home --uid 10001 blueprint \
    && mkdir -p /app/var \
    && chown -R blueprint:blueprint /app/var
USER blueprint

EXPOSE 8000
# The same limits as docker-compose.yml's web command (README, "Security").
CMD ["gunicorn", "blueprint.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "30", \
     "--graceful-timeout", "30", "--keep-alive", "5", "--limit-request-line", "4094", \
     "--limit-request-fields", "100", "--limit-request-field_size", "8190"]

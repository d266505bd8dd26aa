FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
RUN DJANGO_SETTINGS_MODULE=config.settings.base SECRET_KEY=build-only python manage.py collectstatic --no-input
RUN useradd --system app && chown -R app /app
USER app
EXPOSE 8000

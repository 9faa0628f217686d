"""The town's web dashboard (FastAPI router, Jinja2 templates, vendored static assets)."""

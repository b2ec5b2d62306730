"""Build roles through the real import service, so tests exercise the one write path."""
from roles.blueprint_format.synthetic import make_document
from roles.models import Role
from roles.services.importing import import_document


def published_role(title: str = "Synthetic Data Engineer", *, scale: int = 1, by=None, **kwargs) -> Role:
    doc = make_document(title, scale=scale, **kwargs)
    result = import_document(doc, file=f"{title}.json", by=by, publish=True)
    return Role.objects.get(slug=result.slug)


def draft_role(title: str = "Draft Data Engineer", *, scale: int = 1, by=None, **kwargs) -> Role:
    doc = make_document(title, scale=scale, **kwargs)
    result = import_document(doc, file=f"{title}.json", by=by)
    return Role.objects.get(slug=result.slug)

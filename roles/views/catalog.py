"""/roles/: the published roles, searchable and filterable, 25 a page."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render

from common.text import ascii_page_number
from roles import permissions
from roles.forms import CatalogFilterForm
from roles.models import KPI, Role, TechnicalSkill

PAGE_SIZE = 25


def _row_count(model) -> Coalesce:
    """Rows of `model` in the role's published version, as a correlated subquery (no join fan-out)."""
    counted = (model.objects.filter(version=OuterRef("published_version")).order_by()
               .values("version").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def catalog_roles(*, q: str = "", family: str = "", level: str = "") -> QuerySet[Role]:
    """Published roles matching the filters; every search term must occur in the role's search text."""
    roles = Role.objects.filter(published_version__isnull=False)
    for term in q.lower().split():
        roles = roles.filter(search_text__contains=term)
    if family:
        roles = roles.filter(family=family)
    if level:
        roles = roles.filter(level=level)
    return roles


def published_families() -> list[str]:
    return list(Role.objects.filter(published_version__isnull=False).exclude(family="")
                .order_by("family").values_list("family", flat=True).distinct())


@login_required
def catalog(request):
    permissions.require(permissions.can_read(request.user), "The catalog is for members of the portal's groups.")
    form = CatalogFilterForm(request.GET, families=published_families())
    filters = form.filters()
    roles = (catalog_roles(**filters)
             .select_related("published_version")
             .annotate(kpi_count=_row_count(KPI), skill_count=_row_count(TechnicalSkill))
             .order_by("title", "pk"))
    page = Paginator(roles, PAGE_SIZE).get_page(ascii_page_number(request.GET.get("page")))
    return render(request, "roles/catalog.html", {
        "form": form, "filters": filters, "page": page, "roles": page.object_list,
        "filtered": any(filters.values()), "nav": "roles",
    })

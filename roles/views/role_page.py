"""/roles/<slug>/: the published blueprint of a role, served from the cache (roles.rendering)."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from roles import permissions
from roles.models import Role
from roles.rendering import cached_role_page, page_with_fragment, role_page_shell
from roles.views.editor import role_page_actions


@login_required
def role_detail(request, slug: str):
    permissions.require(permissions.can_read(request.user), "Role pages are for members of the portal's groups.")
    # Only the pointer: on a cache hit nothing else of the role or its version is read.
    pointer = Role.objects.filter(slug=slug).values_list("pk", "published_version_id", "family").first()
    if pointer is None:
        raise Http404(f"No role {slug!r}")
    role_id, version_id, family = pointer
    if version_id is None:
        role = Role.objects.get(pk=role_id)
        if not permissions.can_see_drafts(request.user, role):
            # A role that exists only as a draft is not a reader's business, not even its title.
            raise Http404(f"No role {slug!r}")
        return render(request, "404.html", {
            "title": f"{role.title} has no published blueprint yet",
            "message": "This role exists, but no version of its blueprint has been published. "
                       "It will appear here once an approver publishes it.",
            "crumbs": [("Roles", reverse("roles:catalog")), (role.title, "")],
        }, status=404)
    title, fragment = cached_role_page(version_id)
    actions = role_page_actions(request.user, slug, family)  # per user: outside the cached fragment
    return HttpResponse(page_with_fragment(role_page_shell(request, title, actions), fragment))

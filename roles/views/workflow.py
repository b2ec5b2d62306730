"""The publishing workflow's pages: submit a draft, discard it, create or duplicate a role, and the
approvers' review queue with publish and send back. Every write goes through roles.services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from roles import permissions
from roles.blueprint_format import FormatError
from roles.forms_editor import ChangeNoteForm, DuplicateRoleForm, NewRoleForm, SendBackForm
from roles.models import AuditEvent, BlueprintVersion, Level, Role, VersionStatus
from roles.selectors import open_draft
from roles.services import workflow
from roles.services.drafts import WorkflowError, create_role, discard_draft, duplicate_role

from .editor import change_summary, editor_context, is_creator, optional_url, published_document, role_for_drafts

LEVEL_ORDER = [value for value, _ in Level.choices]


def _editable_draft(request, slug: str):
    """(role, draft) for the submit and discard pages: editors of the family only, and a draft must be open."""
    role = role_for_drafts(request, slug)
    permissions.require(permissions.can_edit(request.user, role), "You may not edit roles of this family.")
    return role, open_draft(role)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, slug: str):
    role, draft = _editable_draft(request, slug)
    if draft is None or draft.status != VersionStatus.DRAFT:
        messages.info(request, "There is no draft to submit." if draft is None else
                      f"v{draft.number} is already in review.")
        return redirect("roles:edit", slug=role.slug)
    form = ChangeNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.submit_for_review(version=draft, by=request.user, note=form.cleaned_data["note"])
        except WorkflowError as exc:
            form.add_error("note", str(exc)[:1].upper() + str(exc)[1:])
        else:
            messages.success(request, f"Submitted v{draft.number} of {draft.title} for review. It is read-only "
                                      "until an approver publishes it or sends it back.")
            return redirect("roles:edit", slug=role.slug)
    context = editor_context(request, role, draft)
    context.update({"form": form, "changes": change_summary(context["doc"], published_document(role)),
                    "page": "submit"})
    return render(request, "roles/editor_submit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def discard(request, slug: str):
    role, draft = _editable_draft(request, slug)
    if draft is None:
        messages.info(request, "There is no draft to discard.")
        return redirect("roles:edit", slug=role.slug)
    if request.method == "POST":
        number = draft.number
        discard_draft(version=draft, by=request.user)
        if role.published_version_id:
            messages.success(request, f"Discarded draft v{number}. The published version is unchanged.")
            return redirect(role.get_absolute_url())
        messages.success(request, f"Discarded draft v{number} of {role.title}. The role has no published version.")
        return redirect("roles:catalog")
    context = editor_context(request, role, draft)
    context.update({"changes": change_summary(context["doc"], published_document(role)), "page": "discard"})
    return render(request, "roles/editor_discard.html", context)


def _creator_families(user) -> list[str] | None:
    """Families the user may create roles in; None means any (admins)."""
    permissions.require(is_creator(user), "Creating roles is for editors with a family assignment and admins.")
    return None if permissions.is_admin(user) else sorted(permissions.edit_families(user))


def _known_families() -> list[str]:
    return list(Role.objects.order_by("family").values_list("family", flat=True).distinct())


@login_required
@require_http_methods(["GET", "POST"])
def role_new(request):
    families = _creator_families(request.user)
    form = NewRoleForm(request.POST or None, families=families,
                       known_families=_known_families() if families is None else [])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role = create_role(title=data["title"], family=data["family"], level=data["level"], slug=data["slug"],
                               by=request.user)
        except FormatError as exc:
            form.add_format_error(exc)
        else:
            messages.success(request, f"Created {role.title} with an empty draft v1. Fill in its sections, then "
                                      "submit it for review.")
            return redirect("roles:edit", slug=role.slug)
    return render(request, "roles/role_new.html", {
        "form": form, "nav": "roles", "crumbs": [("Roles", reverse("roles:catalog")), ("New role", "")]})


def _next_level(level: str) -> str:
    index = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1
    return LEVEL_ORDER[index + 1] if 0 <= index < LEVEL_ORDER.index(Level.PRINCIPAL) else level


@login_required
@require_http_methods(["GET", "POST"])
def role_duplicate(request, slug: str):
    # First whether the role exists for the user (a draft-only role of another family does not), then
    # whether they may create roles: the other order would answer 403 for a role it hides.
    source = permissions.visible_role(request.user, slug, Role.objects.select_related("published_version"))
    families = _creator_families(request.user)
    family = source.family if families is None or source.family in families else ""
    form = DuplicateRoleForm(request.POST or None, families=families, family=family,
                             known_families=_known_families() if families is None else [],
                             initial={"level": _next_level(source.level)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role = duplicate_role(source=source, title=data["title"], level=data["level"], slug=data["slug"],
                                  family=data["family"], by=request.user)
        except FormatError as exc:
            form.add_format_error(exc)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Created {role.title} as a copy of {source.title}. Adjust what differs, then "
                                      "submit it for review.")
            return redirect("roles:edit", slug=role.slug)
    copied = source.published_version or source.versions.order_by("-number").first()
    return render(request, "roles/role_duplicate.html", {
        "form": form, "source": source, "copied": copied, "nav": "roles",
        "crumbs": [("Roles", reverse("roles:catalog")), (source.title, source.get_absolute_url()),
                   ("Duplicate", "")]})


def _in_review():
    submitted = AuditEvent.objects.filter(version=OuterRef("pk"), action="version.submitted").order_by("-created_at",
                                                                                                       "-id")
    return (BlueprintVersion.objects.filter(status=VersionStatus.IN_REVIEW)
            .select_related("role", "role__published_version")
            .annotate(submitted_at=Subquery(submitted.values("created_at")[:1]),
                      submitted_by=Subquery(submitted.values("actor__username")[:1]),
                      submitted_first=Subquery(submitted.values("actor__first_name")[:1]),
                      submitted_last=Subquery(submitted.values("actor__last_name")[:1]))
            .order_by("submitted_at", "pk"))


def _queue_context(request, *, bound: dict | None = None) -> dict:
    """The queue; `bound` = {version pk: a SendBackForm with errors} to show one item's problem in place."""
    items = list(_in_review())
    for item in items:
        published = item.role.published_version
        item.submitter = " ".join(filter(None, (item.submitted_first, item.submitted_last))) or item.submitted_by
        item.diff_url = (optional_url("roles:diff", slug=item.role.slug, a=published.number, b=item.number)
                         if published else "")
        item.draft_url = reverse("roles:edit", kwargs={"slug": item.role.slug})
        item.send_back_form = (bound or {}).get(item.pk) or SendBackForm(prefix=f"v{item.pk}")
    return {"items": items, "nav": "review",
            "crumbs": [("Roles", reverse("roles:catalog")), ("Review queue", "")]}


@login_required
def review_queue(request):
    permissions.require(permissions.can_review(request.user), "The review queue is for approvers.")
    return render(request, "roles/review_queue.html", _queue_context(request))


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@login_required
@require_POST
def publish(request, pk: int):
    permissions.require(permissions.can_review(request.user), "Only approvers can publish.")
    version = get_object_or_404(BlueprintVersion.objects.select_related("role__published_version"), pk=pk)
    previous = version.role.published_version
    try:
        published = workflow.approve(version=version, by=request.user)
    except WorkflowError as exc:
        messages.error(request, f"Not published: {exc}.")
        return redirect(_back(request, reverse("roles:review_queue")))
    archived = f" v{previous.number} is archived." if previous else ""
    messages.success(request, f"Published v{published.number} of {published.title}.{archived}")
    return redirect(_back(request, reverse("roles:review_queue")))


@login_required
@require_POST
def send_back(request, pk: int):
    permissions.require(permissions.can_review(request.user), "Only approvers can send drafts back.")
    version = get_object_or_404(BlueprintVersion.objects.select_related("role"), pk=pk)
    form = SendBackForm(request.POST, prefix=f"v{version.pk}")
    if form.is_valid():
        try:
            workflow.send_back(version=version, by=request.user, comment=form.cleaned_data["comment"])
        except WorkflowError as exc:
            messages.error(request, f"Not sent back: {exc}.")
        else:
            messages.success(request, f"Sent v{version.number} of {version.title} back to its editors with your "
                                      "comment.")
        return redirect(_back(request, reverse("roles:review_queue")))
    context = _queue_context(request, bound={version.pk: form})
    context["open_item"] = version.pk
    return render(request, "roles/review_queue.html", context, status=422)

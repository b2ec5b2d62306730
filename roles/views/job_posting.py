"""/roles/<slug>/job-posting/: a job advertisement drafted from the published blueprint, edited as Markdown,
previewed, copied or downloaded. Nothing is stored: the text travels with each request."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from roles import permissions
from roles.blueprint_format import read_document
from roles.job_posting import draft_posting, markdown_to_html, posting_problem
from roles.models import Role
from roles.selectors import versions_with_content

DOWNLOADS = {"markdown": ("md", "text/markdown; charset=utf-8"), "html": ("html", "text/html; charset=utf-8")}
# Only for the on-page preview (the HTML download stays exactly as markdown_to_html makes it).
PREVIEW_STYLE = ("<style>body{font:15px/1.6 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b2130;"
                 "margin:0;padding:20px 24px;max-width:70ch}h1{font-size:1.6rem;line-height:1.25;margin:0 0 .6em}"
                 "h2{font-size:1.1rem;margin:1.4em 0 .4em}ul{padding-left:1.2em}li{margin-bottom:.3em}"
                 "a{color:#2457d6}</style>")


class PostingForm(forms.Form):
    text = forms.CharField(
        label="Posting (Markdown)", strip=False,
        help_text="Headings start with #, list items with -. Raw HTML is shown as text, never run.",
        error_messages={"required": "The posting is empty. Write something, or start over from the blueprint."},
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "true", "data-posting-text": ""}),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        problem = posting_problem(text)
        if problem:
            raise forms.ValidationError(f"The posting {problem}. Shorten it and try again.")
        return text


def preview_document(text: str) -> str:
    """The sanitised HTML of the posting, styled for the sandboxed preview frame."""
    return markdown_to_html(text).replace("</head>", PREVIEW_STYLE + "</head>", 1)


def _attachment(role: Role, fmt: str, text: str) -> HttpResponse:
    extension, content_type = DOWNLOADS[fmt]
    body = text if fmt == "markdown" else markdown_to_html(text)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{role.slug}-job-posting.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def job_posting(request, slug: str):
    role = permissions.visible_role(request.user, slug, Role.objects.select_related("published_version"))
    version = role.published_version
    if version is None:
        raise Http404(f"{role.slug} has no published blueprint to draft a posting from")
    if request.method == "POST":
        form = PostingForm(request.POST)
        action = request.POST.get("action", "preview")
        if form.is_valid() and action in DOWNLOADS:
            return _attachment(role, action, form.cleaned_data["text"])
        preview = preview_document(form.cleaned_data["text"]) if form.is_valid() else None
    else:
        document = read_document(versions_with_content().get(pk=version.pk))
        text = draft_posting(document).to_markdown()
        form, preview = PostingForm(initial={"text": text}), preview_document(text)
    return render(request, "roles/job_posting.html", {
        "role": role, "version": version, "form": form, "preview": preview, "edited": request.method == "POST",
        "crumbs": [("Roles", reverse("roles:catalog")), (role.title, role.get_absolute_url()), ("Job posting", "")],
        "nav": "roles",
    }, status=400 if form.errors else 200)

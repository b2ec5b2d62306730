"""/account/tokens/: the signed-in user's API tokens — list, create (the key is shown once), revoke."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .forms import NewTokenForm
from .models import ApiToken
from .tokens import issue_token, revoke_token


def _page(request, form: NewTokenForm, *, key: str = "", created: ApiToken | None = None, status: int = 200):
    now = timezone.now()
    tokens = list(request.user.api_tokens.all())
    for token in tokens:
        token.state = ("revoked" if token.revoked_at else "expired" if token.expires_at <= now else "active")
    return render(request, "accounts/tokens.html", {
        "tokens": tokens, "form": form, "key": key, "created": created, "nav": "account",
        "api_docs": reverse("api-docs"), "ttl_days": settings.API_TOKEN_TTL_DAYS,
        "crumbs": [("Your account", ""), ("API tokens", "")],
    }, status=status)


@never_cache  # the answer to a create holds the only copy of the key
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = NewTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = issue_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc.messages)
        else:
            # Rendered, not redirected: the key exists only in this response.
            return _page(request, NewTokenForm(), key=key, created=token, status=201)
    return _page(request, form, status=200 if form.is_bound is False or form.is_valid() else 400)


@login_required
@require_POST
def revoke(request, pk: int):
    token = request.user.api_tokens.filter(pk=pk).first()
    if token is None:  # someone else's token does not exist for this user
        raise Http404("No such token")
    if token.revoked_at is None:
        revoke_token(token=token, by=request.user)
        messages.success(request, f"Revoked “{token.name}”. Requests with it are refused from now on.")
    return redirect("accounts:tokens")

"""Editors correct what the target parser read (/kpis/metrics/<id>/rule/) and map a renamed KPI onto the
metric that holds its history (/kpis/roles/<slug>/rename/). Both go through kpis.services.metrics, whose
services also ask for the rollup that recomputes the metric's statuses under its new rule."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from kpis import permissions
from kpis.forms import RuleForm, RenameForm
from kpis.models import Metric
from kpis.services.metrics import correct_rule, map_renamed_kpi
from kpis.targets import parse_target
from roles import permissions as role_permissions

from . import kpi_crumbs


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _safe_next(request, url: str | None) -> str:
    """Where to go back to after saving: a page of this site, never another host."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) and url.startswith("/"):
        return url
    return ""


@login_required
def rule_edit(request, pk: int):
    metric = get_object_or_404(Metric.objects.select_related("role"), pk=pk)
    if not permissions.can_edit_rules(request.user, metric.role):
        raise PermissionDenied(f"Correcting rules is for editors of the {metric.role.family or 'role'} family.")
    initial = {"kind": metric.rule_kind, "low": metric.rule_low, "high": metric.rule_high, "unit": metric.rule_unit}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correct_rule(metric=metric, by=request.user, kind=data["kind"], low=data["low"], high=data["high"],
                         unit=data["unit"] or "")
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"The rule of “{metric.name}” is now: {metric.rule.describe()}. "
                                      "Statuses are being recomputed with it.")
            return redirect(_safe_next(request, request.POST.get("next"))
                            or reverse("kpis:role", kwargs={"slug": metric.role.slug}))
    next_url = _safe_next(request, request.GET.get("next"))
    return render(request, "kpis/rule_form.html", {
        "nav": "kpis", "metric": metric, "form": form, "parsed": parse_target(metric.target),
        "current": metric.rule, "next": next_url,
        "crumbs": kpi_crumbs((metric.role.title, reverse("kpis:role", kwargs={"slug": metric.role.slug})),
                             (metric.name, reverse("kpis:metric", kwargs={"pk": metric.pk})), ("Rule", "")),
    })


@login_required
def rename(request, slug: str):
    role = role_permissions.visible_role(request.user, slug)
    if not permissions.can_edit_rules(request.user, role):
        raise PermissionDenied(f"Mapping KPIs is for editors of the {role.family or 'role'} family.")
    retired = Metric.objects.filter(role=role, active=False).order_by("name")
    active = Metric.objects.filter(role=role, active=True).order_by("position", "name")
    form = RenameForm(request.POST or None, retired=retired, active=active)
    if request.method == "POST" and form.is_valid():
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        old_name, new_name = old.name, new.name
        try:
            map_renamed_kpi(old=old, new=new, by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"“{new_name}” now continues the history of “{old_name}”: its "
                                      "measurements are kept under the new name.")
            return redirect("kpis:role", slug=role.slug)
    return render(request, "kpis/rename.html", {
        "nav": "kpis", "role": role, "form": form, "retired": list(retired), "active": list(active),
        "crumbs": kpi_crumbs((role.title, reverse("kpis:role", kwargs={"slug": role.slug})), ("Renamed KPI", "")),
    })

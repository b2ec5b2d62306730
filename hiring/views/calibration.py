"""/hiring/calibration/: how each interviewer rates against the rest of their panels, and how far panels spread
per dimension. For hiring managers (over the openings they manage) and admins (over all openings)."""
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.shortcuts import render
from django.urls import reverse

from hiring import charts, permissions
from hiring.forms import CalibrationFilterForm
from hiring.models import Opening
from hiring.selectors import DISAGREEMENT, LENIENCY_THRESHOLD, calibration
from hiring.visibility import visible_scorecards
from roles.permissions import is_admin


def _openings(user):
    openings = Opening.objects.all() if is_admin(user) else Opening.objects.filter(hiring_manager=user)
    return list(openings.order_by("-created_at", "-pk").only("pk", "title"))


def _tone(offset: float | None) -> str:
    if offset is None or abs(offset) <= LENIENCY_THRESHOLD:
        return ""
    return "lenient" if offset > 0 else "severe"


@login_required
def calibration_page(request):
    permissions.require(permissions.can_open(request.user), "Calibration is for hiring managers and admins.")
    openings = _openings(request.user)
    form = CalibrationFilterForm(request.GET or None, openings=openings)
    chosen = form.opening_id()
    scope = [chosen] if chosen else [o.pk for o in openings]
    interviewers, dimensions = calibration(visible_scorecards(request.user).filter(
        interview__candidate__opening_id__in=scope))
    names = {u.username: (u.get_full_name() or u.username)
             for u in User.objects.filter(username__in=[i.username for i in interviewers])}
    for person in interviewers:
        person.name = names.get(person.username, person.username)
        person.agreement = round(100 * person.matched_decisions / person.decided) if person.decided else None
    dimension_names = sorted({name for person in interviewers for name in person.offsets})
    offsets = [{"dimension": name, "cells": [(value, _tone(value)) for value in
                                             (person.offsets.get(name) for person in interviewers)]}
               for name in dimension_names]
    return render(request, "hiring/calibration.html", {
        "form": form, "openings": openings, "chosen": chosen, "interviewers": interviewers,
        "dimensions": dimensions, "offsets": offsets, "threshold": LENIENCY_THRESHOLD, "disagreement": DISAGREEMENT,
        "offset_chart": charts.diverging_chart(
            [charts.Bar(p.name, p.mean_offset, p.tendency, p.tendency) for p in interviewers],
            band=LENIENCY_THRESHOLD) if interviewers else "",
        "spread_chart": charts.spread_chart(
            [charts.Bar(d.dimension, d.mean_spread,
                        "disagree" if d.mean_spread is not None and d.mean_spread >= DISAGREEMENT else "")
             for d in dimensions], threshold=DISAGREEMENT) if dimensions else "",
        "nav": "hiring", "crumbs": [("Hiring", reverse("hiring:openings")), ("Calibration", "")],
    })

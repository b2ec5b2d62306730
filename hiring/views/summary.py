"""/hiring/candidates/<id>/summary/: the hiring manager's view of a candidate's panel, and the decision."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hiring import charts, permissions
from hiring.forms import DecisionForm, add_service_errors
from hiring.models import HiringEvent
from hiring.selectors import candidate_summary
from hiring.services.scorecards import record_decision

from . import candidate_crumbs, visible_candidate

DECISION_ACTIONS = ("decision.hire", "decision.no_hire", "decision.hold")


@login_required
@require_http_methods(["GET", "POST"])
def summary(request, pk: int):
    candidate = visible_candidate(request.user, pk)
    opening = candidate.opening
    permissions.require(permissions.manages(request.user, opening),
                        "The candidate summary is for the opening's hiring manager.")
    decision = getattr(candidate, "decision", None)
    form = DecisionForm(request.POST or None, initial={"decision": decision.decision} if decision else None)
    if request.method == "POST" and form.is_valid():
        try:
            record_decision(candidate=candidate, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Decision recorded for {candidate.name}: "
                                      f"{dict(form.fields['decision'].choices)[form.cleaned_data['decision']]}.")
            return redirect("hiring:summary", pk=candidate.pk)
    data = candidate_summary(candidate, user=request.user)
    columns = [{"card": card, "score": data.per_interviewer_score.get(card.pk)} for card in data.cards]
    # The selector names who raised a flag by username; the page names people as everywhere else.
    names = {card.interviewer.get_username(): card.interviewer.get_full_name() or card.interviewer.get_username()
             for card in data.cards}
    red_flags = [(text, [names.get(who, who) for who in raised_by]) for text, raised_by in data.red_flags]
    history = list(HiringEvent.objects.filter(candidate=candidate, action__in=DECISION_ACTIONS)
                   .select_related("actor").order_by("-created_at", "-pk"))
    return render(request, "hiring/summary.html", {
        "candidate": candidate, "opening": opening, "summary": data, "columns": columns, "form": form,
        "red_flags": red_flags,
        "decision": decision, "history": history, "tally_chart": charts.tally_chart(data.tally),
        "submitted": len(data.cards), "nav": "hiring",
        "crumbs": candidate_crumbs(candidate, ("Summary", "")),
    }, status=400 if form.errors else 200)

"""/hiring/scorecards/<pk>/: the interviewer fills, saves (also by autosave), submits and amends their
scorecard; below it, the other scorecards for the candidate as far as blind feedback allows.

Who reads which card is hiring.visibility.visible_scorecards: a draft only its interviewer; a submitted card the
hiring manager (and admins), and the other interviewers once blind feedback lets them. The rest of the opening's
hiring team gets 403 with the reason; anybody else gets 404.
"""
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from hiring import permissions
from hiring.forms import EVIDENCE_RULE, AmendForm, ScorecardForm
from hiring.models import BlindMode, DimensionRating, Scorecard, ScorecardAmendment, ScorecardStatus
from hiring.selectors import scorecards_with_ratings, weighted_score
from hiring.services.openings import HiringError
from hiring.services.scorecards import amend, save_draft, submit
from hiring.visibility import visible_scorecards
from roles.models import BlueprintItem, Section

from . import candidate_crumbs


@dataclass
class Row:
    """One dimension of the scorecard as the page shows it."""

    rating: DimensionRating
    focus: bool
    rating_field: object = None
    evidence_field: object = None

    @property
    def dimension(self):
        return self.rating.dimension


def _card(user, pk: int) -> tuple[Scorecard, list[Scorecard]]:
    """(the scorecard, the candidate's scorecards this user may read), or 404 / 403."""
    card = (Scorecard.objects.select_related("interviewer", "interview__interviewer",
                                             "interview__candidate__opening__role",
                                             "interview__candidate__opening__version",
                                             "interview__candidate__opening__hiring_manager")
            .filter(pk=pk).first())
    if card is None:
        raise Http404("No such scorecard.")
    candidate = card.interview.candidate
    if card.interviewer_id != user.pk and not permissions.on_team(user, candidate.opening):
        raise Http404("No such scorecard.")
    visible = list(visible_scorecards(user, candidate=candidate, queryset=scorecards_with_ratings())
                   .order_by("interview__starts_at", "pk"))
    current = next((c for c in visible if c.pk == card.pk), None)
    if current is None:
        if card.status == ScorecardStatus.DRAFT:
            raise PermissionDenied("This scorecard is still a draft: only its interviewer reads it until they "
                                   "submit it.")
        raise PermissionDenied("You'll see the other interviewers' scorecards for this candidate once the "
                               "opening's blind-feedback rule allows it.")
    current.interview = card.interview  # with the candidate and opening loaded above
    current.interviewer = card.interviewer
    prefetch_related_objects([current], "interview__focus_dimensions", Prefetch(
        "amendments", queryset=ScorecardAmendment.objects.select_related("amended_by")))
    return current, [c for c in visible if c.pk != card.pk]


def _red_flags(opening) -> list[BlueprintItem]:
    return list(BlueprintItem.objects.filter(version_id=opening.version_id, section=Section.SIGNALS,
                                             group="red_flags").order_by("position"))


def _rows(card: Scorecard, form=None) -> tuple[list[Row], list[Row]]:
    """(focus rows, other rows), each in rubric order; with no focus chosen every row is a focus row."""
    focus_ids = {d.pk for d in card.interview.focus_dimensions.all()}
    rows = [Row(r, not focus_ids or r.dimension_id in focus_ids,
                form[f"rating-{r.dimension_id}"] if form else None,
                form[f"evidence-{r.dimension_id}"] if form else None) for r in card.ratings.all()]
    return [r for r in rows if r.focus], [r for r in rows if not r.focus]


def _others_note(card: Scorecard, others: list[Scorecard], own: bool) -> str:
    """What the interviewer is told about the scorecards they cannot read (yet)."""
    if not own:
        return ""
    total = Scorecard.objects.filter(interview__candidate_id=card.interview.candidate_id).exclude(pk=card.pk).count()
    hidden = total - len(others)
    if not hidden:
        return ""
    mode = card.interview.candidate.opening.blind_mode
    noun = "scorecard" if hidden == 1 else "scorecards"
    if mode == BlindMode.NEVER:
        return (f"This opening uses blind feedback: the other {hidden} {noun} stay with the hiring manager.")
    if card.status == ScorecardStatus.DRAFT and mode == BlindMode.AFTER_SUBMIT:
        return f"You’ll see the other {hidden} {noun} after you submit yours."
    return (f"{hidden} other {'interviewer has' if hidden == 1 else 'interviewers have'} not submitted yet; "
            "their scorecards appear here once they do.")


def _context(request, card, others, form=None, amend_form=None) -> dict:
    candidate = card.interview.candidate
    opening = candidate.opening
    own = card.interviewer_id == request.user.pk
    focus, rest = _rows(card, amend_form or form)
    for other in others:
        other.score = weighted_score((r.dimension.weight, r.rating) for r in other.ratings.all())
    return {
        "card": card, "candidate": candidate, "opening": opening, "interview": card.interview, "own": own,
        "editable": own and card.status == ScorecardStatus.DRAFT, "form": form, "amend_form": amend_form,
        "focus_rows": focus, "other_rows": rest, "others": others if own else [],
        "other_open": any(r.rating_field is not None and (r.rating_field.errors or r.evidence_field.errors)
                          for r in rest),
        "others_note": _others_note(card, others, own), "evidence_rule": EVIDENCE_RULE,
        "ticked": {f.pk for f in card.red_flags.all()},
        "score": weighted_score((r.dimension.weight, r.rating) for r in card.ratings.all()),
        "started": timezone.now() >= card.interview.starts_at,
        "manager": permissions.manages(request.user, opening), "nav": "hiring",
        "crumbs": candidate_crumbs(candidate, (f"Scorecard · {card.interview.stage_name}", "")),
    }


def _form(card, red_flags, data=None, cls=ScorecardForm):
    return cls(data, dimensions=[r.dimension for r in card.ratings.all()], red_flags=red_flags,
               initial=ScorecardForm.initial_for(card))


@login_required
@require_http_methods(["GET", "POST"])
def scorecard(request, pk: int):
    card, others = _card(request.user, pk)
    own = card.interviewer_id == request.user.pk
    editable = own and card.status == ScorecardStatus.DRAFT
    red_flags = _red_flags(card.interview.candidate.opening)
    form = _form(card, red_flags, request.POST if request.method == "POST" else None) if editable else None
    if request.method == "POST":
        permissions.require(own, "Only the assigned interviewer can fill this scorecard.")
        if not editable:
            messages.info(request, "This scorecard is submitted; change it with an amendment and a reason.")
            return redirect("hiring:scorecard", pk=card.pk)
        submitting = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                save_draft(card=card, by=request.user, **form.service_kwargs())
                if submitting:
                    submit(card=card, by=request.user)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except HiringError as exc:
                form.add_error(None, str(exc)[:1].upper() + str(exc)[1:] + ".")
            else:
                if submitting:
                    messages.success(request, "Scorecard submitted. It is locked now; amend it with a reason if "
                                              "something changes.")
                else:
                    messages.success(request, "Draft saved. Submit it when it is complete.")
                return redirect("hiring:scorecard", pk=card.pk)
        # What was typed stays in the form; what did validate was saved as a draft above.
        card.refresh_from_db(fields=["status"])
    return render(request, "hiring/scorecard.html", _context(request, card, others, form=form),
                  status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def scorecard_autosave(request, pk: int):
    """htmx autosave of a draft: saves what is valid and answers a one-line status fragment."""
    card, _ = _card(request.user, pk)
    permissions.require(card.interviewer_id == request.user.pk, "Only the assigned interviewer can fill this "
                                                                 "scorecard.")
    error = ""
    if card.status != ScorecardStatus.DRAFT:
        error = "This scorecard is submitted; it no longer autosaves."
    else:
        form = _form(card, _red_flags(card.interview.candidate.opening), request.POST)
        if form.is_valid():
            try:
                save_draft(card=card, by=request.user, **form.service_kwargs())
            except (ValidationError, HiringError) as exc:
                error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            error = "Some fields are not valid yet; fix them and save."
    return render(request, "hiring/partials/autosave_status.html", {"error": error, "saved_at": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_amend(request, pk: int):
    card, others = _card(request.user, pk)
    permissions.require(card.interviewer_id == request.user.pk, "Only the interviewer who submitted this scorecard "
                                                                 "can amend it.")
    if card.status != ScorecardStatus.SUBMITTED:
        messages.info(request, "A draft is simply edited and saved; amendments are for submitted scorecards.")
        return redirect("hiring:scorecard", pk=card.pk)
    red_flags = _red_flags(card.interview.candidate.opening)
    form = _form(card, red_flags, request.POST or None, cls=AmendForm)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        try:
            amend(card=card, by=request.user, reason=form.cleaned_data["reason"], **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Amendment recorded with your reason; the change is in the scorecard's history.")
            return redirect("hiring:scorecard", pk=card.pk)
    context = _context(request, card, others, amend_form=form)
    context["crumbs"] = candidate_crumbs(card.interview.candidate, (f"Amend scorecard · {card.interview.stage_name}",
                                                                    ""))
    return render(request, "hiring/scorecard_amend.html", context,
                  status=400 if form.errors else 200)

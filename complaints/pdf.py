"""The four paper forms of the complaint procedure as PDFs (SPEC.md §4), laid out like
the forms customer service fills by hand: the investigation form, the transfer slip, the
merchant's opinion form and the satisfaction survey. One section (page) per round or per
solution, so nothing recorded is left out. The merchant's copy leaves out what the
merchant never sees: staff names (the responsible person above all) and the findings of a
valid investigation, which are internal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from workplace.pdf import render_pdf

from .models import ComplaintStatus, ComplaintType, Satisfaction


@dataclass(frozen=True)
class PaperForm:
    slug: str
    template: str
    # The title printed on the paper form; shown as is in every language.
    paper_title: str
    title: str


FORMS = {
    form.slug: form
    for form in (
        PaperForm(
            "investigation", "complaints/pdf/investigation.html", "商户投诉调查表", _("Complaint investigation form")
        ),
        PaperForm("transfer-slip", "complaints/pdf/transfer_slip.html", "客户投诉传递单", _("Complaint transfer slip")),
        PaperForm("opinion", "complaints/pdf/opinion.html", "商户意见表", _("Merchant opinion form")),
        PaperForm("survey", "complaints/pdf/survey.html", "客户满意度调查表", _("Customer satisfaction survey")),
    )
}


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _prefetch(complaint) -> None:
    prefetch_related_objects(
        [complaint],
        "investigations__department__head",
        "investigations__person",
        "investigations__by",
        "solutions__by",
        "solutions__opinion__by",
        "implementations",
        "visits__by",
    )


def _investigation_sections(complaint, merchant_copy):
    investigations = list(complaint.investigations.all())
    if not investigations:
        return [{"round": complaint.round, "investigation": None, "dated": None, "reply_due": complaint.reply_due}]
    sections = []
    for investigation in investigations:
        current = investigation.round == complaint.round
        sections.append(
            {
                "round": investigation.round,
                "investigation": investigation,
                "dated": investigation.at,
                "reply_due": complaint.reply_due if current else None,
                "reply_due_fallback": complaint.reply_due_fallback if current else False,
                # A valid investigation's findings stay inside; an invalid one's go back to
                # the merchant (SPEC.md §4 step 2).
                "show_findings": not merchant_copy or not investigation.valid,
                "person_name": _name(investigation.person),
                "by_name": _name(investigation.by),
            }
        )
    return sections


def _transfer_sections(complaint, merchant_copy):
    solutions = list(complaint.solutions.all())
    sections = []
    for investigation in complaint.investigations.all():
        if not investigation.valid:
            continue
        of_round = [s for s in solutions if s.round == investigation.round]
        waiting = investigation.round == complaint.round and complaint.status == ComplaintStatus.AWAITING_SOLUTION
        due = complaint.solution_due if waiting else (of_round[-1].due if of_round else None)
        department = investigation.department
        sections.append(
            {
                "round": investigation.round,
                "investigation": investigation,
                "department": department,
                "head_name": _name(department.head) if department else "",
                "person_name": _name(investigation.person),
                "sent_by_name": _name(investigation.by),
                "dated": investigation.at,
                "solutions": of_round,
                "due": due,
                "due_fallback": complaint.solution_due_fallback if waiting else False,
            }
        )
    return sections


def _opinion(solution):
    try:
        return solution.opinion
    except solution._meta.model.opinion.RelatedObjectDoesNotExist:
        return None


def _opinion_sections(complaint, merchant_copy):
    sections = []
    for solution in complaint.solutions.all():
        opinion = _opinion(solution)
        sections.append(
            {
                "round": solution.round,
                "solution": solution,
                "opinion": opinion,
                "dated": opinion.at if opinion else solution.at,
                "by_merchant": opinion is not None and opinion.by_id == complaint.merchant.user_id,
            }
        )
    return sections


def _survey_sections(complaint, merchant_copy):
    implementations = {row.round: row for row in complaint.implementations.all()}
    visits = list(complaint.visits.all())
    rounds = sorted(set(implementations) | {visit.round for visit in visits})
    accepted = {}
    for solution in complaint.solutions.all():
        opinion = _opinion(solution)
        if opinion is not None and opinion.accepted:
            accepted[solution.round] = solution
    required = complaint.required_visits
    sections = []
    for number in rounds:
        of_round = [visit for visit in visits if visit.round == number]
        rows = [{"visit": visit} for visit in of_round]
        rows += [{"visit": None}] * max(0, required - len(rows))
        if number < complaint.round:
            result = "reopened"
        elif complaint.status == ComplaintStatus.CLOSED:
            result = "closed"
        else:
            result = ""
        implemented = implementations.get(number)
        sections.append(
            {
                "round": number,
                "implemented_at": implemented.at if implemented else None,
                "solution": accepted.get(number),
                "visit_rows": rows,
                "result": result,
                "department": complaint.responsible_department,
                "dated": of_round[-1].visited_on if of_round else None,
            }
        )
    return sections


SECTIONS = {
    "investigation": _investigation_sections,
    "transfer-slip": _transfer_sections,
    "opinion": _opinion_sections,
    "survey": _survey_sections,
}


def form_context(complaint, slug: str, *, merchant_copy: bool) -> dict:
    form = FORMS[slug]
    _prefetch(complaint)
    return {
        "complaint": complaint,
        "paper_title": form.paper_title,
        "title": form.title,
        "show_subtitle": not (translation.get_language() or "").startswith("zh"),
        "sections": SECTIONS[slug](complaint, merchant_copy),
        "merchant_copy": merchant_copy,
        "types": ComplaintType.choices,
        "satisfactions": Satisfaction.choices,
        "required_visits": complaint.required_visits,
        "printed_at": timezone.localtime(),
    }


def complaint_form_pdf(complaint, slug: str, *, merchant_copy: bool, language: str | None = None) -> bytes:
    """The paper form ``slug`` of ``complaint`` as PDF bytes (KeyError for an unknown slug)."""
    form = FORMS[slug]
    with translation.override(language or translation.get_language()):
        context = form_context(complaint, slug, merchant_copy=merchant_copy)
        return render_pdf(form.template, context, language=language)


def form_filename(complaint, slug: str) -> str:
    return f"{complaint.number or complaint.pk}-{slug}.pdf"

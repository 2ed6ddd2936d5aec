"""PDF rendering (WeasyPrint) shared by contracts, evaluation sheets and payslips.

Chinese text needs a CJK font on the machine (Debian: fonts-noto-cjk); the stylesheet of
``templates/pdf/base.html`` names a fallback chain so any installed CJK font is used.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template_name: str, context: dict, *, language: str | None = None) -> bytes:
    """Render a template extending ``pdf/base.html`` to PDF bytes."""
    from weasyprint import HTML  # imported late: it loads Pango, which only PDF work needs

    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

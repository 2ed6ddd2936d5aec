"""The Content-Security-Policy, on the pages only.

django-csp (well kept, Mozilla's) builds the header from ``CONTENT_SECURITY_POLICY`` in the
settings. The policy matters for documents a browser renders as a page; a PDF, a
spreadsheet or a JSON answer gets no header, so a browser's PDF viewer is never handed a
page policy (Chromium's viewer refuses to run under ``object-src 'none'``).
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware


class PagePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, for HTML answers only."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)

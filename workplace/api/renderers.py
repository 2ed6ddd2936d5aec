"""The API's JSON renderer: DRF's, which cannot encode a lone surrogate (``"\\ud800"``)
as UTF-8 and would turn the answer into a 500. Such a character is written as its JSON
escape instead, which is what the client sent."""

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True  # this instance renders one response
            return super().render(data, accepted_media_type, renderer_context)

"""HTML pages of onboarding: ``portal`` (the merchant portal) and ``review`` (staff)."""

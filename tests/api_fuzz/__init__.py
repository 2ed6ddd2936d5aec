"""Robustness suite of the whole API: property-based requests generated from the OpenAPI
schema (schemathesis), as several roles, against the rules of API.md for errors."""

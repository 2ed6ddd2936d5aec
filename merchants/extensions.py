"""Where apps above merchants plug into onboarding (dependencies run one way).

``merchants`` sits just above ``workplace`` and imports no other domain app. Where
onboarding needs something an app above it knows — the star evaluation that must be on
file before approval (scoring), the agreed rates the contract prints (commissions) — that
app registers a provider here from its ``AppConfig.ready()``:

* ``approval_blockers``: ``fn(application) -> list[str]``, why it cannot be approved yet.
* ``contract_terms``: ``fn(merchant, moment) -> dict``, lines of the contract's terms.
  Together the providers must supply every key of ``REQUIRED_CONTRACT_TERMS``.
* ``signing_fields``: ``fn(merchant, moment) -> dict``, merchant fields set on signing
  (the star class at that moment).
* ``merchant_rates``: ``fn(merchant) -> dict | None``, the rates shown in the portal.
* ``review_sections``: ``fn(request, application, allowed, forms) -> dict``, context of the
  review page (the evaluation panel).
* ``review_urls``: ``(route, view, name)`` under ``review/<int:pk>/`` in merchants' URLs.
* ``evaluation_recorder``: scoring's ``evaluation_record(*, application, by, data)``, which
  merchants' demo data calls to walk applications through approval.
* ``merchant_panels`` (optional): ``fn(request, merchant) -> str`` (``request`` may be
  None), an HTML panel about the merchant on its staff pages (the admin's merchant page,
  the review page; the commissions app's rate-request form too): settlement's credit rating.

A required registry left empty fails loudly: a Django system check (``manage.py check``,
run by the test suite and on every start) and an error when the contract is rendered.
"""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.safestring import mark_safe

REQUIRED_CONTRACT_TERMS = frozenset(
    {"prepaid_rate", "bank_card_fee", "prepaid_reference", "bank_card_reference", "merchant_class"}
)


class Registry:
    """Providers by key; registering a key again replaces it (``ready()`` may run twice)."""

    def __init__(self, name: str, *, required: bool, purpose: str):
        self.name = name
        self.required = required
        self.purpose = purpose
        self._providers: dict[str, object] = {}

    def register(self, key: str, provider) -> None:
        self._providers[key] = provider

    def unregister(self, key: str) -> None:
        self._providers.pop(key, None)

    def keys(self) -> list[str]:
        return list(self._providers)

    def __iter__(self):
        return iter(list(self._providers.values()))

    def __len__(self):
        return len(self._providers)

    def require(self) -> None:
        if not self._providers:
            raise ImproperlyConfigured(
                f"merchants.extensions.{self.name} has no provider ({self.purpose}); "
                "the app that provides it must register in its AppConfig.ready()."
            )


approval_blockers = Registry("approval_blockers", required=True, purpose="the star evaluation on file (scoring)")
contract_terms = Registry("contract_terms", required=True, purpose="the agreed rates and class the contract prints")
signing_fields = Registry("signing_fields", required=True, purpose="the star class at signing (scoring)")
merchant_rates = Registry("merchant_rates", required=True, purpose="the merchant's agreed rates (commissions)")
review_sections = Registry("review_sections", required=True, purpose="the review page's evaluation panel (scoring)")
review_urls = Registry("review_urls", required=True, purpose="the review page's evaluation form post (scoring)")
evaluation_recorder = Registry("evaluation_recorder", required=True, purpose="recording an evaluation (scoring)")
merchant_panels = Registry(
    "merchant_panels", required=False, purpose="panels on the merchant's staff pages (settlement: the credit rating)"
)

REGISTRIES = (
    approval_blockers,
    contract_terms,
    signing_fields,
    merchant_rates,
    review_sections,
    review_urls,
    evaluation_recorder,
    merchant_panels,
)


def one(registry: Registry):
    """The single provider of ``registry`` (``ImproperlyConfigured`` when there is none)."""
    registry.require()
    return next(iter(registry))


def render_merchant_panels(request, merchant) -> str:
    """Every provider's panel about ``merchant``, as safe HTML (empty without providers)."""
    if merchant is None:
        return ""
    return mark_safe("".join(str(provider(request, merchant)) for provider in merchant_panels))


def collect_contract_terms(merchant, moment) -> dict:
    """Every provider's contract lines; ``ImproperlyConfigured`` when a required line has
    no provider (a contract is never printed without its rates)."""
    contract_terms.require()
    terms: dict = {}
    for provider in contract_terms:
        terms.update(provider(merchant, moment))
    missing = REQUIRED_CONTRACT_TERMS - terms.keys()
    if missing:
        raise ImproperlyConfigured(
            "merchants.extensions.contract_terms: no provider supplies " + ", ".join(sorted(missing))
        )
    return terms


@checks.register()
def check_extensions(app_configs=None, **kwargs):
    """A required extension point nobody registered is an error at start-up."""
    return [
        checks.Error(
            f"merchants.extensions.{registry.name} has no provider ({registry.purpose}).",
            hint="Register one in the providing app's AppConfig.ready().",
            id="merchants.E001",
        )
        for registry in REGISTRIES
        if registry.required and not len(registry)
    ]

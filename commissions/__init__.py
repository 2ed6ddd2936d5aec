"""Commission standards and tiered approval (SPEC.md §3, 招商谈判预付费卡佣金标准).

Where to find things: the rules are pure functions in ``rules.py``; their parameters
(standards per category, authority bands) are dated rows in ``models.py`` read by
``selectors.py``; writes (making and deciding requests, reminders) are in ``services.py``.

Decisions taken here (beyond SPEC.md):

- Rates are accepted with up to 4 decimals, above 0 and at most 100 %. The ratio is kept
  exact for the band comparison and shown with 2 decimals (ROUND_HALF_UP): 8.4999 on a
  10 % standard shows 85.00 but needs the recruitment head.
- A request freezes the standard, the ratio, the band version and its chain (as steps).
  One pending request per merchant and kind; after a rejection a new request may follow.
- Deciding: the role of the current step decides, or any higher ladder level in place of
  an absent lower one (recorded: ``decided_as`` ≠ ``role``; ``acting_for`` in the API). The
  system cannot know absence, so acting in place is the higher level's call and always
  visible. The same person may decide several steps of one request this way. A lower or
  unrelated role gets 403; a decision on a step that is not current (already decided,
  named in ``step`` but moved on, or request closed) gets 409. Heads decide only their
  department's requests (others are 404); the operations director and GM company-wide.
- ``/approvals/pending/`` lists the requests whose current step is a level the caller
  holds; ``?include_lower=true`` adds those waiting on a lower level (``acting_for`` set).
  The HTML queue shows both, in two sections.
- Bank-card fee reduction: below the standard needs recruitment head → operations
  director → general manager. A head filing it has "applied" by doing so (chain starts
  at operations); a recruiter's request starts at their head.
- POS service-fee waiver: filed by the owning recruiter, decided by the GM alone; it
  applies from its decision date (``selectors.pos_fee_waived``).
- Effect: a granted rate is a ``MerchantRate`` from the decision date, or the later
  ``effective_from`` asked for. Without an agreed rate the category's standard applies
  (``merchant_rates`` returns it, with a None reference).
- Reminders: a step activated on day D is overdue after the end of the first working day
  after D; each approver is reminded once per step.
"""

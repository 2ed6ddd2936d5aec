"""Background jobs of the dashboards: the alert run (dashboards/alerts.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from .alerts import evaluate_alerts as _evaluate

logger = logging.getLogger(__name__)


# No arguments and idempotent: a lost or failed run (broker down, worker killed; the run
# is one transaction) is done by the next one, so the job is its own sweep.
@shared_task(recovered_by="dashboards.tasks.evaluate_alerts")
def evaluate_alerts() -> int:
    """Beat (hourly): open, notify and clear alert breaches. Returns the breaches opened."""
    result = _evaluate()
    logger.info("alerts: %s opened, %s cleared, %s notified", len(result.opened), result.cleared, result.notified)
    return len(result.opened)

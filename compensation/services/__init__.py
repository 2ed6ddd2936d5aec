"""Compensation's writes, one module per concern: terminal profits (``profits``), the
payroll runs and their computation (``runs``, ``monthly``, ``quarterly``, ``year_end``),
the merchants' owners over time (``ownership``), handovers, adjustments and the year-end
allocation."""

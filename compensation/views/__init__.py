"""The compensation pages (issue 9 §6): the runs list with its start form, a run with its
lines, a person's payslip with its explanation, the staff member's own payslips and the
year-end allocation form with the general manager's approval.

Views are adapters. Every read goes through ``compensation.selectors`` (a run one may not
open is a 404, a line one may not read is a 404), every change through its service in
``compensation.services``; a refusal is shown next to the field it names (400) or as a
message on the page it came from (409), a role that may not act gets 403. The XLSX and
PDF files are the API's (``/api/v1/payroll-runs/…``); the pages link to them."""

from .allocation import allocation, allocation_approve
from .common import file_url
from .payslips import my_payslips, payslip
from .runs import run_detail, run_finalize, run_list, run_recompute

__all__ = [
    "allocation",
    "allocation_approve",
    "file_url",
    "my_payslips",
    "payslip",
    "run_detail",
    "run_finalize",
    "run_list",
    "run_recompute",
]

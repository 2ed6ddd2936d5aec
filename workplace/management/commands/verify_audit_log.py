from django.core.management.base import BaseCommand, CommandError

from workplace.audit_chain import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain (it does not seal: the scheduled job does); exits "
        "non-zero and names the first entry where it breaks."
    )

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"audit trail broken at entry {report.broken_at}: {report.problem} "
                f"({report.checked} entries verified before it)"
            )
        self.stdout.write(f"audit trail intact: {report.checked} entries verified, {report.unsealed} not sealed yet")
        if report.actors_removed:
            self.stdout.write(f"{len(report.actors_removed)} entries name an actor whose user was deleted")

"""Check the loaded content against the quality gate of issue 4 (see ``guides.editorial.quality``)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guides.editorial import quality


class Command(BaseCommand):
    help = (
        "Check the content in the database (run loadcontent first): reading grade, sources, review dates, "
        "summaries, links, topics, FAQs, and food and supplement values against facts.json. "
        "Prints a per-guide table; exits non-zero with one line per problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--facts",
            default=str(settings.FACTS_FILE),
            help="facts.json to check food values and elemental percentages against (default: settings.FACTS_FILE)",
        )

    def handle(self, *args, facts, **options):
        try:
            report = quality.run(facts)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read facts file {facts}: {exc}")

        self.print_table(report)
        for problem in report.problems:
            self.stderr.write(f"error: {problem}")
        if report.problems:
            raise CommandError(f"{len(report.problems)} content problem(s).")
        self.stdout.write(self.style.SUCCESS("Content passes the quality gate."))

    def print_table(self, report):
        width = max([len(g.slug) for g in report.guides] + [5])
        self.stdout.write(f"{'guide':{width}}  words  FK grade  references  internal links")
        for g in report.guides:
            self.stdout.write(
                f"{g.slug:{width}}  {g.words:5}  {g.grade:8.1f}  {g.references:10}  {g.internal_links:14}"
            )
        median = "n/a" if report.median_grade is None else f"{report.median_grade:.2f}"
        self.stdout.write(f"Guides: {len(report.guides)}. Median FK grade: {median}.")
        self.stdout.write(
            f"FAQs: {report.faqs}. Distinct references cited (guides and FAQs): {report.references_cited}."
        )

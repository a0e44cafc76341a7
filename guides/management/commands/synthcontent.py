"""Synthetic guides for benchmarks only (never loaded by ``make run``)."""

import datetime as dt
import math
import re

from django.core.management.base import BaseCommand
from django.db import transaction

from guides.models import Article, Citation, Person, Reference, Topic
from guides.rendering import pipeline
from guides.signals import content_changed

PREFIX = "synth-"
BODY = """## What is synthetic guide NUMBER about?

This page is made up for load tests. Magnesium helps nerves and muscles work [@KEY1]. Most people get enough from
food such as seeds, beans and whole grains [@KEY2]. Read [[PILLAR]] for the real guide.

## Why does guide NUMBER exist?

It fills the database so that every page can be measured with many articles [@KEY3]. It repeats a few
plain sentences about potassium, sodium and calcium so that search has words to find [@KEY1].

!!! note "A test page"
    Real readers never see this page. It exists only in benchmark databases.
"""


class Command(BaseCommand):
    help = "Add N synthetic published guides (slugs start with 'synth-') for benchmarks. Idempotent per N."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10000)
        parser.add_argument("--delete", action="store_true", help="remove synthetic guides instead")

    @transaction.atomic
    def handle(self, *args, articles, delete, **options):
        Article.objects.filter(slug__startswith=PREFIX).delete()
        if delete:
            content_changed()  # bulk writes send no signals
            self.stdout.write("Synthetic guides removed.")
            return
        author = Person.objects.order_by("pk").first() or Person.objects.create(slug="synth-author", name="Synth")
        topics = list(Topic.objects.order_by("pk"))
        pillar = Article.objects.filter(parent__isnull=True).order_by("pk").first()
        keys = list(Reference.objects.order_by("key").values_list("key", flat=True)[:3])
        body = BODY.replace("PILLAR", pillar.slug if pillar else "")
        for i, key in enumerate(keys, start=1):
            body = body.replace(f"KEY{i}", key)
        if not pillar:
            body = re.sub(r"Read \[\[\]\] for the real guide\.", "", body)
        rendered = pipeline.render(body)
        words = len(re.findall(r"\w+", rendered.text))
        refs = dict(Reference.objects.filter(key__in=keys).values_list("key", "pk"))
        start = dt.date(2020, 1, 1)
        batch = []
        for n in range(1, articles + 1):
            batch.append(
                Article(
                    slug=f"{PREFIX}{n:05d}",
                    title=f"Synthetic guide {n:05d} about magnesium balance",
                    summary=f"Synthetic page {n} for benchmarks: magnesium, potassium and sodium in plain words.",
                    key_points="A test page.\nNot for readers.",
                    body=body.replace("NUMBER", str(n)),
                    body_html=rendered.html.replace("NUMBER", str(n)),
                    toc_html=rendered.toc_html.replace("NUMBER", str(n)),
                    word_count=words,
                    reading_minutes=max(1, math.ceil(words / 200)),
                    parent=pillar,
                    author=author,
                    reviewer=author,
                    status=Article.Status.PUBLISHED,
                    published=start,
                    updated=start + dt.timedelta(days=n % 1500),
                    last_reviewed=start,
                    next_review_due=start + dt.timedelta(days=3650),
                )
            )
        created = Article.objects.bulk_create(batch, batch_size=1000)
        Through = Article.topics.through
        Through.objects.bulk_create(
            [Through(article_id=a.pk, topic_id=topics[i % len(topics)].pk) for i, a in enumerate(created)]
            if topics
            else [],
            batch_size=2000,
        )
        Citation.objects.bulk_create(
            [
                Citation(article_id=a.pk, reference_id=refs[key], number=num, occurrences=count)
                for a in created
                for num, (key, count) in enumerate(rendered.citations, start=1)
            ],
            batch_size=2000,
        )
        content_changed()  # bulk writes send no signals
        self.stdout.write(f"Created {len(created)} synthetic guides.")

"""factory-boy factories for tests and development data."""

import datetime as dt

import factory

from guides import models


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")
    summary = "A topic hub that groups related guides about magnesium."
    order = factory.Sequence(int)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = models.Person.Role.AUTHOR


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Reference
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"Ref{n}")
    authors = "Doe J, Roe R"
    title = factory.Sequence(lambda n: f"A study of magnesium number {n}")
    container = "Journal of Tests"
    year = 2020
    volume = "10"
    issue = "2"
    pages = "1-10"
    doi = factory.Sequence(lambda n: f"10.1000/test.{n}")
    pmid = factory.Sequence(lambda n: str(10000000 + n))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"guide-{n}")
    title = factory.Sequence(lambda n: f"Guide number {n} about magnesium")
    summary = "A short plain summary of this guide that is long enough to pass validation."
    key_points = "First point.\nSecond point."
    body = "## What is it?\n\nMagnesium is a mineral.\n\n## Why does it matter?\n\nIt helps muscles work."
    author = factory.SubFactory(PersonFactory)
    reviewer = factory.SubFactory(PersonFactory)
    status = models.Article.Status.PUBLISHED
    published = dt.date(2026, 1, 1)
    updated = dt.date(2026, 1, 2)
    last_reviewed = dt.date(2026, 1, 2)
    next_review_due = dt.date(2027, 1, 2)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FAQ

    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."
    order = factory.Sequence(int)


class FoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Food

    slug = factory.Sequence(lambda n: f"food-{n}")
    name = factory.Sequence(lambda n: f"Food {n}")
    category = models.Food.Category.OTHER
    serving = "1 cup"
    magnesium_mg = 50

"""The medical review workflow: draft → in review → published, with changes requested in between.

An editor's change to reviewed content is staged as a ``Change`` (the admin form as
submitted); readers keep the live row until a member of the **Medical reviewers**
group, who did not write the change, approves it. Approval runs the editorial
quality gate, applies the change in one revision attributed to the reviewer, and
for a guide records the sign-off: the reviewer's person in the byline,
``last_reviewed`` today, ``next_review_due`` a year on (or sooner, as the reviewer
chooses), and ``updated`` today when what readers read changed.
"""

import datetime as dt

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import modelform_factory
from django.http import QueryDict
from django.utils import timezone

from ..content.canonical import content_hash
from ..content.database import row_hash
from ..content.format import SPEC_BY_MODEL
from ..content.forms import ContentForm
from ..models import (
    FAQ,
    Article,
    Change,
    ChangeEvent,
    Food,
    IntakeValue,
    Interaction,
    Page,
    Person,
    SlugHistory,
    SupplementForm,
    Topic,
)
from ..models.base import normalise_text, today
from ..permissions import REVIEWERS
from ..rendering import pipeline, resolvers
from ..rendering.placeholders import fill
from . import quality

# Content readers rely on medically: a change to it is reviewed before readers see it.
REVIEWED_MODELS = (Article, FAQ, Topic, Food, SupplementForm, Interaction, IntakeValue, Page)
VISIBLE_FIELDS = ("title", "summary", "key_points", "body")  # what readers read of a guide
FORM_ONLY = ("base_hash", "change_note", "csrfmiddlewaretoken")
REVIEW_PERIOD = dt.timedelta(days=365)


class ReviewRefused(Exception):
    """The change cannot be approved: each message names the rule or problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def is_reviewer(user):
    return user.is_active and user.groups.filter(name=REVIEWERS).exists()


def open_change(model, pk):
    """The change to row ``pk`` that is not yet approved or withdrawn, if any."""
    if pk is None:
        return None
    content_type = ContentType.objects.get_for_model(model)
    return Change.objects.filter(content_type=content_type, object_id=pk, state__in=Change.OPEN).first()


def form_data(post, fields):
    """The submitted values of the form's own ``fields``: ``{name: [values]}``, without buttons and tokens.

    Line endings are stored as LF. Anything else in the POST (a read-only field such as ``last_reviewed``, typed in by hand) is dropped.
    """
    kept = {}
    for name, values in post.lists():
        field = name.removeprefix("initial-")  # a field with a callable default sends its initial value too
        if field in fields and field not in FORM_ONLY:
            kept[name] = [normalise_text(value) for value in values]  # a browser's CRLF is not a change
    return kept


def data_hash(data):
    return content_hash(data)


def state_hash(model, obj):
    """What an admin form for ``obj`` was built from: its open draft if it has one, else the live row."""
    change = open_change(model, obj.pk)
    if change is not None:
        return data_hash(change.data)
    return row_hash(SPEC_BY_MODEL[model], obj)


def as_querydict(data):
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, values)
    return query


def authors(change):
    """Everyone who wrote any part of the change."""
    writers = {
        e.user_id for e in change.events.all() if e.action in (ChangeEvent.Action.SAVED, ChangeEvent.Action.SUBMITTED)
    }
    return writers | {change.created_by_id}


def can_review(user, change):
    return is_reviewer(user) and user.pk not in authors(change)


def _event(change, action, user, note=""):
    ChangeEvent.objects.create(change=change, action=action, user=user, note=note)


def save_draft(user, model, obj, data, note="", submit=False):
    """Stage ``data`` (an admin form, as ``form_data`` keeps it) for ``obj`` (None: a new row)."""
    change = open_change(model, obj.pk if obj else None)
    if change is None:
        change = Change(
            content_type=ContentType.objects.get_for_model(model),
            object_id=obj.pk if obj else None,
            # the live row as stored (``obj`` already carries the form's values)
            base_hash=row_hash(SPEC_BY_MODEL[model], model.objects.get(pk=obj.pk)) if obj else "",
            created_by=user,
        )
    change.data = data
    change.object_repr = (
        str(obj) if obj else (data.get("title") or data.get("question") or data.get("name") or ["new"])[0]
    )
    change.note = normalise_text(note).strip() or change.note
    change.state = Change.State.IN_REVIEW if submit else Change.State.DRAFT
    if submit:
        change.submitted_at = timezone.now()
    change.save()
    _event(change, ChangeEvent.Action.SUBMITTED if submit else ChangeEvent.Action.SAVED, user, note if submit else "")
    return change


def draft_form(change, live=None):
    """The change's data as a bound form on the live row (or a new one); the lock compares with its start."""
    model = change.content_type.model_class()
    fields = [f.name for f in model._meta.get_fields() if getattr(f, "editable", False) and f.name in change.data]
    form_class = modelform_factory(model, form=ContentForm, fields=fields)
    data = as_querydict(change.data)
    if change.base_hash:
        data["base_hash"] = change.base_hash
    return form_class(data=data, instance=live if live is not None else model())


def live_row(change):
    model = change.content_type.model_class()
    return model.objects.filter(pk=change.object_id).first() if change.object_id else None


def draft_instance(change):
    """An unsaved copy of the row with the change applied (for previews and the gate), and its form."""
    live = live_row(change)
    copy = type(live).objects.get(pk=live.pk) if live is not None else None
    form = draft_form(change, copy)
    if not form.is_valid():
        return None, form
    obj = form.save(commit=False)
    if hasattr(obj, "render_markdown"):
        obj.render_markdown()
    return obj, form


def gate(article, form):
    """The editorial quality gate for a guide as the change would publish it (reviewer and dates come with approval)."""
    rendered = pipeline.render(article.body, Article.markdown_options("body"))
    known = resolvers.Known.in_database(rendered)
    references = len([key for key in rendered.cited_keys if known.has_reference(key)])
    draft = quality.Draft(
        article.slug,
        fill(article.body_html, resolvers.lookups(article.body_html)),
        references,
        article.summary,
        len(form.cleaned_data.get("topics") or []),
    )
    return quality.guide_rules(draft, quality.old_slug_map())[1]


def changed_fields(form):
    return [name for name in form.changed_data if name not in FORM_ONLY]


def _visible_change(live, obj):
    if live is None or live.status != Article.Status.PUBLISHED:
        return True
    return any(normalise_text(getattr(live, f)) != normalise_text(getattr(obj, f)) for f in VISIBLE_FIELDS)


def request_changes(change, reviewer, note):
    if not can_review(reviewer, change):
        raise PermissionDenied("Only a medical reviewer who did not write this change can review it.")
    if not note.strip():
        raise ReviewRefused(["Say what needs to change: the note is required."])
    change.state = Change.State.CHANGES_REQUESTED
    change.save()
    _event(change, ChangeEvent.Action.CHANGES_REQUESTED, reviewer, note)


def approve(change, reviewer, note, next_review_due=None):
    """Apply the change as ``reviewer`` signs it off. Raises ReviewRefused naming each problem."""
    if not can_review(reviewer, change):
        raise PermissionDenied("Only a medical reviewer who did not write this change can approve it.")
    if change.state != Change.State.IN_REVIEW:
        raise ReviewRefused(["This change is not waiting for review."])
    if not note.strip():
        raise ReviewRefused(["Write a one-line note on what changed: it is shown to readers."])
    on = today()
    due = next_review_due or on + REVIEW_PERIOD
    if not on < due <= on + REVIEW_PERIOD:
        raise ReviewRefused([f"The next review must be after today and no later than {on + REVIEW_PERIOD}."])
    live = live_row(change)
    form = draft_form(change, live)
    if not form.is_valid():
        raise ReviewRefused([f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()])
    model = change.content_type.model_class()
    person = Person.objects.filter(user=reviewer).first()
    if model is Article:
        if person is None:
            raise ReviewRefused(["Your account is not linked to a person page, so the byline cannot name you."])
        obj, _form = draft_instance(change)
        problems = gate(obj, form)
        if problems:
            raise ReviewRefused(problems)
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(reviewer)
        reversion.set_comment(f"Approved: {note.strip()}")
        before = type(live).objects.get(pk=live.pk) if live is not None else None
        obj = form.save(commit=False)
        visible = True
        if model is Article:
            visible = _visible_change(before, obj)
            if before is None or before.status != Article.Status.PUBLISHED:
                obj.status = Article.Status.PUBLISHED
            obj.reviewer, obj.last_reviewed, obj.next_review_due = person, on, due
            if visible:
                obj.updated = on
        obj.save()
        form.save_m2m()
        if model is Article and before is not None and before.slug != obj.slug:  # the old address redirects
            SlugHistory.objects.filter(old_slug=obj.slug).delete()
            SlugHistory.objects.update_or_create(old_slug=before.slug, defaults={"article": obj})
        change.state, change.reviewed_by, change.reviewed_at = Change.State.APPROVED, reviewer, timezone.now()
        change.review_note, change.visible, change.object_id = note.strip(), visible, obj.pk
        change.reviewer_name = str(person) if person else reviewer.get_username()
        change.object_repr = str(obj)[:200]
        change.save()
        _event(change, ChangeEvent.Action.APPROVED, reviewer, note)
    return obj

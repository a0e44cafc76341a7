"""The review workflow in admin: staged changes, the review page, and the review queue.

``StagedAdmin`` is the admin of reviewed content (``workflow.REVIEWED_MODELS``): saving
stages the change (``workflow.save_draft``) instead of writing the live row, so readers
keep the reviewed version; "Submit for review" sends it to the Medical reviewers. A new
guide is created as a draft row that readers cannot see, so it can be previewed.
``ChangeAdmin`` lists every change (the review queue) and serves the review page, where a
reviewer who did not write the change compares it with the live version, sees the quality
gate, and approves it or requests changes, each time with a note.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.html import format_html

from ..editorial import workflow
from ..models import Article, Change
from .base import ContentAdmin, StaffReadOnlyAdmin, safe_diff


def draft_initial(change, fields):
    """A draft's saved form data as initial values for an unbound form."""
    initial = {}
    for name, values in change.data.items():
        field = fields.get(name)
        if field is None:
            continue
        multiple = isinstance(field, forms.MultipleChoiceField)
        initial[name] = values if multiple else (values[0] if values else "")
    return initial


class StagedAdmin(ContentAdmin):
    change_form_template = "admin/guides/staged_change_form.html"

    class Media:
        css = {"all": ["editor/editor.css"]}

    def stages(self, change):
        """Whether a save is staged: always, except creating a new guide (a draft row readers cannot see)."""
        return change or self.model is not Article

    def get_form(self, request, obj=None, change=False, **kwargs):
        if kwargs.get("fields"):  # the admin lists the form's own fields back; change_note is not a model field
            kwargs["fields"] = [name for name in kwargs["fields"] if name != "change_note"]
        base = super().get_form(request, obj, change=change, **kwargs)
        model, draft = self.model, workflow.open_change(self.model, obj.pk if obj else None)
        submitting = "_submit" in request.POST
        reverting = getattr(request, "revert_base", None)  # the history page's form of an old version

        class StagedForm(base):
            change_note = forms.CharField(
                label="What changed",
                max_length=300,
                required=False,
                help_text="One line for the reviewer. Once approved, readers see the reviewer's note.",
            )

            def __init__(self, *args, **kw):
                if draft is not None and not args and "data" not in kw and reverting is None:  # carry on with the draft
                    kw["initial"] = {
                        **draft_initial(draft, base.base_fields),
                        "change_note": draft.note,
                        **kw.get("initial", {}),
                    }
                super().__init__(*args, **kw)
                if reverting is not None and not self.is_bound:  # the lock guards what is live now
                    self.initial["base_hash"] = self.fields["base_hash"].initial = reverting

            def state_hash(self, current):
                return workflow.state_hash(model, current)

            def who_saved(self, current):
                latest = workflow.open_change(model, current.pk)
                event = latest.events.select_related("user").last() if latest else None
                if event is None:
                    return super().who_saved(current)
                return f"{event.user.get_username()} on {event.at:%-d %B %Y at %H:%M} UTC"

            def clean(self):
                cleaned = super().clean()
                if submitting and not (cleaned.get("change_note") or "").strip():
                    self.add_error("change_note", "Say in one line what changed before you submit it for review.")
                return cleaned

        return StagedForm

    def save_model(self, request, obj, form, change):
        submit = "_submit" in request.POST
        if change and not workflow.changed_fields(form) and not (submit and workflow.open_change(self.model, obj.pk)):
            return  # nothing changed: no draft, no revision, no log entry
        if not self.stages(change):
            obj.status = Article.Status.DRAFT
            super().save_model(request, obj, form, change)
            return
        workflow.save_draft(
            request.user,
            self.model,
            obj if change else None,
            workflow.form_data(request.POST, form.fields),
            form.cleaned_data.get("change_note", ""),
            submit="_submit" in request.POST,
        )

    def save_related(self, request, form, formsets, change):
        if self.stages(change):
            return  # the many-to-many choices are part of the staged form data
        super().save_related(request, form, formsets, change)
        if "_submit" in request.POST:
            workflow.save_draft(
                request.user,
                self.model,
                form.instance,
                workflow.form_data(request.POST, form.fields),
                form.cleaned_data.get("change_note", ""),
                submit=True,
            )

    def construct_change_message(self, request, form, formsets, add=False):
        if not add and not workflow.changed_fields(form) and "_submit" not in request.POST:
            return ""  # ContentAdmin logs nothing for a save that changed nothing
        fields = ", ".join(workflow.changed_fields(form)) or "nothing"
        what = "Submitted for review" if "_submit" in request.POST else "Saved a draft"
        return f"{what} (readers still see the reviewed version): {fields}"

    def log_addition(self, request, obj, message):
        return super().log_addition(request, obj, message) if obj.pk else None

    def _staged_response(self, request, obj, submitted):
        if obj is not None and obj.pk and workflow.open_change(self.model, obj.pk) is None:
            self.message_user(request, "Nothing changed, so there is nothing to save or review.", messages.INFO)
        elif submitted:
            self.message_user(
                request,
                "Submitted for review. Readers see the reviewed version until a medical reviewer approves the change.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                "Draft saved. Readers still see the reviewed version; submit it for review when it is ready.",
                messages.SUCCESS,
            )
        if obj is not None and obj.pk:
            return HttpResponseRedirect(reverse(f"admin:guides_{self.model._meta.model_name}_change", args=[obj.pk]))
        return HttpResponseRedirect(reverse("admin:guides_change_changelist"))

    def response_change(self, request, obj):
        return self._staged_response(request, obj, "_submit" in request.POST)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk and self.model is Article and "_submit" not in request.POST:
            self.message_user(request, "The new guide is saved as a draft that readers cannot see.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:guides_article_change", args=[obj.pk]))
        return self._staged_response(request, obj if obj.pk else None, "_submit" in request.POST)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        draft = workflow.open_change(self.model, obj.pk) if obj else None
        context = {"draft": draft, "is_live": self.is_live(obj) if obj else False}
        if draft is not None:
            context["events"] = list(draft.events.select_related("user"))
            context["can_review"] = workflow.can_review(request.user, draft)
            context["review_url"] = reverse("admin:guides_change_review", args=[draft.pk])
            if self.model is Article:
                instance, form = workflow.draft_instance(draft)
                context["gate"] = workflow.gate(instance, form) if instance is not None else []
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """Reverting is a change like any other: the old version's form, saved, is staged for review."""
        if request.method == "POST":
            return self.changeform_view(request, quote(version.object_id), request.path, extra_context)
        live = self.model.objects.filter(pk=version.object_id).first()
        request.revert_base = workflow.state_hash(self.model, live) if live is not None else ""
        return super()._reversion_revisionform_view(request, version, template_name, extra_context)

    def is_live(self, obj):
        return obj.status == Article.Status.PUBLISHED if isinstance(obj, Article) else True


def field_diffs(form):
    """(label, diff HTML) for each field the change alters, readable text diffs for long text."""
    rows = []
    for name in workflow.changed_fields(form):
        field = form.fields[name]
        old, new = form.initial.get(name, ""), form.cleaned_data.get(name, "")
        if isinstance(field, forms.ModelMultipleChoiceField):
            old = ", ".join(str(o) for o in field.queryset.filter(pk__in=[getattr(v, "pk", v) for v in old or []]))
            new = ", ".join(str(o) for o in new)
        elif isinstance(field, forms.ModelChoiceField):
            old = str(field.queryset.filter(pk=getattr(old, "pk", old)).first() or "")
            new = str(new or "")
        rows.append((field.label or name, safe_diff(str(old or ""), str(new or ""))))
    return rows


@admin.register(Change)
class ChangeAdmin(StaffReadOnlyAdmin, admin.ModelAdmin):
    """The review queue: every staged change, and the review page for each."""

    list_display = ("object_repr", "kind", "state", "created_by", "updated_at", "review_link")
    list_filter = ("state", "content_type")
    search_fields = ("object_repr", "note")
    ordering = ("-updated_at",)

    @admin.display(description="Kind")
    def kind(self, change):
        return change.content_type.name

    @admin.display(description="Review")
    def review_link(self, change):
        return format_html('<a href="{}">Open</a>', reverse("admin:guides_change_review", args=[change.pk]))

    def get_urls(self):
        review = path(
            "<int:change_id>/review/", self.admin_site.admin_view(self.review_view), name="guides_change_review"
        )
        return [review, *super().get_urls()]

    def review_view(self, request, change_id):
        change = get_object_or_404(Change.objects.select_related("content_type", "created_by"), pk=change_id)
        if request.method == "POST":
            return self._review_action(request, change)
        live = workflow.live_row(change)
        form = workflow.draft_form(change, type(live).objects.get(pk=live.pk) if live else None)
        valid = form.is_valid()
        instance, _form = workflow.draft_instance(change)
        model = change.content_type.model_class()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {change.object_repr}",
            "change": change,
            "live": live,
            "events": list(change.events.select_related("user")),
            "diffs": field_diffs(form) if valid else [],
            "errors": [] if valid else [f"{n}: {' '.join(e)}" for n, e in form.errors.items()],
            "gate": workflow.gate(instance, form) if model is Article and instance is not None else [],
            "can_review": workflow.can_review(request.user, change) and change.state == Change.State.IN_REVIEW,
            "is_reviewer": workflow.is_reviewer(request.user),
            "preview_url": f"{live.get_absolute_url()}preview/" if isinstance(live, Article) else "",
            "is_guide": model is Article,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/guides/change/review.html", context)

    def _review_action(self, request, change):
        if not workflow.can_review(request.user, change):
            raise PermissionDenied("Only a medical reviewer who did not write this change can review it.")
        note = request.POST.get("note", "")
        here = reverse("admin:guides_change_review", args=[change.pk])
        try:
            if "_approve" in request.POST:
                due = parse_date(request.POST.get("next_review_due") or "")
                obj = workflow.approve(change, request.user, note, due)
                self.message_user(request, f"Approved: readers now see the change to “{obj}”.", messages.SUCCESS)
            else:
                workflow.request_changes(change, request.user, note)
                self.message_user(request, "Changes requested: the editor sees your note.", messages.SUCCESS)
        except workflow.ReviewRefused as refused:
            for problem in refused.problems:
                self.message_user(request, f"Not approved: {problem}", messages.ERROR)
        return HttpResponseRedirect(here)

"""The admin Markdown editor's endpoints, staff-only.

django-markdownx ships public, unsanitised preview and upload views; we do not
include ``markdownx.urls``. Each Markdown field's preview renders with that field's options
(``markdown_options``, as its save does) and fills in links and tables as a page would; uploads
accept only real JPEG, PNG or WebP images, re-encoded by Pillow under a
server-generated name.
"""

import io
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from .rendering import pipeline, placeholders, resolvers

FORMATS = {"JPEG": ("jpg", "JPEG"), "PNG": ("png", "PNG"), "WEBP": ("webp", "WEBP")}
MAX_PIXELS = 40_000_000


def preview_field(label):
    """The model and Markdown field a preview is for, from ``app.model.field`` (e.g. ``guides.faq.answer``)."""
    parts = (label or "guides.article.body").split(".")
    if len(parts) != 3:
        raise Http404("No such field.")
    app_label, model_name, field = parts
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404("No such field.")
    if field not in getattr(model, "markdown_fields", {}):
        raise Http404("No such field.")
    return model, field


def preview_html(text, model=None, field="body"):
    """What saving ``text`` into ``model.field`` would show readers: the same render, then the lookups.

    Problems that would stop the save (unknown citation keys, links, tables) are listed first.
    """
    from .models import Article

    model = model or Article
    rendered = pipeline.render(text, model.markdown_options(field))
    errors = pipeline.check(rendered, resolvers.Known.in_database(rendered))
    local = model.markdown_options(field).cite_links == "local"
    html = placeholders.fill(
        rendered.html, resolvers.lookups(rendered.html), placeholders.Citations.of(rendered.citations, local=local)
    )
    if not errors:
        return html
    items = "".join(f"<li>{escape(e)}</li>" for e in errors)
    return (
        f'<aside class="callout callout-warning"><p class="callout-title">Fix before saving</p><ul>{items}</ul>'
        f"</aside>{html}"
    )


@require_POST
@staff_member_required
def markdownify(request):
    """Live preview for the markdownx widget of one field (``?field=guides.faq.answer``)."""
    model, field = preview_field(request.GET.get("field", ""))
    return HttpResponse(preview_html(request.POST.get("content", ""), model, field))


def _error(message):
    return JsonResponse({"image_code": "", "errors": message}, status=400)


@require_POST
@staff_member_required
def upload(request):
    """Image upload for the markdownx widget. An error says what is wrong with the file, in plain words."""
    upload = request.FILES.get("image")
    if upload is None:
        return _error("No file arrived. Drop or paste a JPEG, PNG or WebP image into the editor.")
    limit_mb = settings.MARKDOWNX_UPLOAD_MAX_SIZE / 1024 / 1024
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        return _error(f"This file is {upload.size / 1024 / 1024:.1f} MB; images must be {limit_mb:g} MB or smaller.")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except Image.DecompressionBombError:
        return _error(f"This image has too many pixels; the limit is {MAX_PIXELS // 1_000_000} megapixels.")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return _error("That file is not an image we can read. Use a JPEG, PNG or WebP image (SVG is not accepted).")
    if kind not in FORMATS:
        return _error(f"{kind} images are not accepted. Use a JPEG, PNG or WebP image.")
    if width * height > MAX_PIXELS:
        return _error(
            f"This image is {width} × {height} pixels ({width * height / 1_000_000:.1f} megapixels); the limit is "
            f"{MAX_PIXELS // 1_000_000} megapixels. Make it smaller and try again."
        )
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _error("That image file is damaged and cannot be read.")
    extension, pil_format = FORMATS[image.format]
    if pil_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info.clear()  # no comments, EXIF or other metadata survive the re-encode
    out = io.BytesIO()
    image.save(out, format=pil_format)  # re-encode: drops metadata and any appended payload
    name = default_storage.save(
        f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{extension}", ContentFile(out.getvalue())
    )
    url = default_storage.url(name)
    return JsonResponse({"image_code": f"![]({url})"})

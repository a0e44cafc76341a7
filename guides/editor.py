"""The admin Markdown editor's endpoints, staff-only.

django-markdownx ships public, unsanitised preview and upload views; we do not
include ``markdownx.urls``. Preview goes through ``guides.rendering.pipeline``; uploads
accept only real JPEG, PNG or WebP images, re-encoded by Pillow under a
server-generated name.
"""

import io
import uuid

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from .rendering.pipeline import preview_html

FORMATS = {"JPEG": ("jpg", "JPEG"), "PNG": ("png", "PNG"), "WEBP": ("webp", "WEBP")}
MAX_PIXELS = 40_000_000


@require_POST
@staff_member_required
def markdownify(request):
    """Live preview for the markdownx widget."""
    from django.http import HttpResponse

    return HttpResponse(preview_html(request.POST.get("content", "")))


def _error(message):
    return JsonResponse({"image_code": "", "errors": message}, status=400)


@require_POST
@staff_member_required
def upload(request):
    """Image upload for the markdownx widget."""
    upload = request.FILES.get("image")
    if upload is None:
        return HttpResponseBadRequest("No image.")
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        return _error("Images must be 5 MB or smaller.")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.format not in FORMATS or image.width * image.height > MAX_PIXELS:
            return _error("Only JPEG, PNG or WebP images are accepted.")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _error("That file is not a valid JPEG, PNG or WebP image.")
    extension, pil_format = FORMATS[image.format]
    if pil_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=pil_format)  # re-encode: drops metadata and any appended payload
    name = default_storage.save(f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{extension}", ContentFile(out.getvalue()))
    url = default_storage.url(name)
    return JsonResponse({"image_code": f"![]({url})"})

"""Submit admin forms the way a browser does: read the form off the page, change some fields, post it."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Collects the values a browser would submit for the page's main form (#..._form)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = []  # [(name, value)], in order, repeated names for multi-selects
        self.in_form = False
        self.select = None
        self.option_value = None
        self.textarea = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id", "").endswith("_form")):
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            value = "".join(self.text)
            self.data.append((self.textarea, value[1:] if value.startswith("\n") else value))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


def read_form(client, url):
    """The admin change form at ``url`` as ``{name: value or [values]}``, as the browser would post it."""
    response = client.get(url)
    assert response.status_code == 200, url
    reader = _FormReader()
    reader.feed(response.content.decode())
    form = {}
    for name, value in reader.data:
        if name in form:
            form[name] = (form[name] if isinstance(form[name], list) else [form[name]]) + [value]
        else:
            form[name] = value
    return form


def post_form(client, url, form, **changes):
    """Post ``form`` (from ``read_form``) with ``changes`` applied, pressing Save."""
    data = {**form, **changes, "_save": "Save"}
    return client.post(url, data)

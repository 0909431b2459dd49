#!/usr/bin/env python3
"""Static accessibility checks of rendered pages (the browser suite runs axe-core
in Chromium besides): every form field has a label, radio buttons sit in a
fieldset with a legend, ids are unique and every reference to one resolves,
buttons have text, the document has a language, a title and one h1, headings
skip no level, and there is no script at all.

Usage: participant_html_check.py PAGE.html...   (exit 1 and one line per problem)
"""
import sys
from html.parser import HTMLParser

UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open elements: [tag, attrs, text]
        self.ids = {}
        self.fields = []  # (tag, attrs, inside a fieldset with a legend?)
        self.labels = {}  # for -> text
        self.references = []  # (attribute, id)
        self.buttons = []  # text of each button
        self.headings = []  # levels in order
        self.html_lang = None
        self.title = None
        self.scripts = 0
        self.handlers = []
        self.fieldsets = []  # [has legend] per open fieldset
        self.legend_texts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "script":
            self.scripts += 1
        for name in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
        if "id" in attrs:
            self.ids[attrs["id"]] = self.ids.get(attrs["id"], 0) + 1
        for name in ("aria-describedby", "aria-labelledby"):
            for ref in (attrs.get(name) or "").split():
                self.references.append((f"{tag} {name}", ref))
        if tag == "a" and (attrs.get("href") or "").startswith("#") and len(attrs["href"]) > 1:
            self.references.append(("a href", attrs["href"][1:]))
        if tag == "label" and "for" in attrs:
            self.references.append(("label for", attrs["for"]))
        if tag == "fieldset":
            self.fieldsets.append(False)
        if tag in ("input", "textarea", "select"):
            in_fieldset_with_legend = bool(self.fieldsets) and self.fieldsets[-1]
            self.fields.append((tag, attrs, in_fieldset_with_legend))
        if tag in VOID:
            return
        self.stack.append([tag, attrs, ""])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, attrs, text = self.stack.pop()
            text = " ".join(text.split())
            if self.stack:
                self.stack[-1][2] += " " + text
            if open_tag == "label" and "for" in attrs:
                self.labels[attrs["for"]] = text
            elif open_tag == "button":
                self.buttons.append(text or attrs.get("aria-label", ""))
            elif open_tag == "title":
                self.title = text
            elif open_tag == "legend":
                if self.fieldsets and text:
                    self.fieldsets[-1] = True
            elif open_tag == "fieldset":
                if self.fieldsets:
                    self.fieldsets.pop()
            elif len(open_tag) == 2 and open_tag[0] == "h" and open_tag[1].isdigit():
                self.headings.append((int(open_tag[1]), text))
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2] += data


def problems_of(html):
    page = Page()
    page.feed(html)
    page.close()
    found = []
    if not page.html_lang:
        found.append("<html> has no lang")
    if not page.title:
        found.append("no <title> text")
    if page.scripts:
        found.append(f"{page.scripts} <script> element(s)")
    for handler in page.handlers:
        found.append(f"inline event handler {handler}")
    for ident, count in page.ids.items():
        if count > 1:
            found.append(f'id "{ident}" used {count} times')
    for where, ref in page.references:
        if ref not in page.ids:
            found.append(f'{where}="{ref}": no element has that id')
    for tag, attrs, in_fieldset_with_legend in page.fields:
        kind = attrs.get("type", "text") if tag == "input" else tag
        if tag == "input" and kind in UNLABELLED_INPUT_TYPES:
            continue
        name = attrs.get("id") or attrs.get("name") or "?"
        labelled = (attrs.get("id") in page.labels and page.labels[attrs["id"]]) or \
            attrs.get("aria-label") or attrs.get("aria-labelledby")
        if not labelled:
            found.append(f'<{tag} type="{kind}" id="{name}"> has no <label for> with text')
        if kind == "radio" and not in_fieldset_with_legend:
            found.append(f'radio "{name}" is not in a <fieldset> with a <legend>')
    for text in page.buttons:
        if not text:
            found.append("a <button> without text")
    levels = [level for level, _ in page.headings]
    if levels.count(1) != 1:
        found.append(f"{levels.count(1)} <h1> elements; expected one")
    for before, after in zip(levels, levels[1:]):
        if after > before + 1:
            found.append(f"heading level skips from h{before} to h{after}")
    for level, text in page.headings:
        if not text:
            found.append(f"an empty <h{level}>")
    return found


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            problems = problems_of(f.read())
        for problem in problems:
            print(f"{path}: {problem}")
        failed |= bool(problems)
    if not failed:
        print(f"{len(paths)} page(s): every field labelled, every reference resolved")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

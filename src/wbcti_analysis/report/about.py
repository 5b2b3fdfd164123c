"""A Markdown document (the data package's README) as a page of the run folder.

The Markdown is rendered with mistune (which nbconvert already brings), raw HTML escaped;
relative links to files the run folder does not hold (``CODEBOOK.md``) keep their text but
lose the link, so nothing on the page points at a missing file.
"""
from __future__ import annotations

import re

__all__ = ["render_markdown_page", "markdown_html"]

_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def markdown_html(text: str) -> str:
    """Markdown as an HTML fragment: tables on, raw HTML escaped, relative links unlinked.

    Examples
    --------
    >>> markdown_html("See [the codebook](CODEBOOK.md), [CC BY](https://x.org) and <b>x</b>.")
    '<p>See the codebook, <a href="https://x.org">CC BY</a> and &lt;b&gt;x&lt;/b&gt;.</p>\\n'
    """
    import mistune

    md = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    out = md(text)

    def keep(m: re.Match) -> str:
        href = m.group(1)
        return m.group(0) if href.startswith(("https://", "http://", "#")) else m.group(2)

    return _LINK.sub(keep, out)


def render_markdown_page(text: str, title: str, back: str = "index.html") -> str:
    """A whole page (the run pages' style) holding the rendered Markdown ``text``."""
    from markupsafe import Markup

    from .pages import environment, _css

    return environment().get_template("document.html.j2").render(
        css=_css(), title=title, back=back, content=Markup(markdown_html(text)))

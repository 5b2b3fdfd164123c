"""One executed notebook as an HTML page (nbconvert), code hidden for reviewers by default."""
from __future__ import annotations

from pathlib import Path

__all__ = ["render_notebook_html"]

_HTML_EXTRA_CSS = ("<style>.jp-OutputArea-output pre, .output_text pre "
                   "{white-space: pre; overflow-x: auto;}</style>")


def render_notebook_html(ipynb: str, html: str, show_code: bool, title: str) -> None:
    """Write ``ipynb`` as an HTML page to ``html`` (atomically), titled ``title``.

    Code cells and prompts are left out unless ``show_code``.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(ipynb, as_version=4)
    exporter = HTMLExporter(exclude_input=not show_code, exclude_input_prompt=not show_code,
                            exclude_output_prompt=not show_code)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # Text tables keep their columns aligned: scroll sideways instead of wrapping lines.
    body = body.replace("</head>", f"{_HTML_EXTRA_CSS}</head>", 1)
    tmp = Path(html + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(html)

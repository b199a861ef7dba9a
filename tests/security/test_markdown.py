"""Markdown written in the browser can carry no script, handler, style or remote fetch."""

import pytest

from meetings.markdown import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src="/static/x.png" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "![tracker](https://evil.example/pixel.png)",
    "![tracker](//evil.example/pixel.png)",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(https://evil.example/x)">x</div>',
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<form action="https://evil.example"><input name="p"></form>',
    '<object data="https://evil.example/x.swf"></object>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]
FORBIDDEN = [
    "<script",
    "onerror",
    "onload",
    "javascript:",
    "evil.example",
    "<iframe",
    "style=",
    "<style",
    "<svg",
    "<form",
    "<input",
    "<object",
    "data:text",
    "<link",
    "<meta",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injected_markup_is_removed(payload):
    html = str(render_markdown(f"Before\n\n{payload}\n\nAfter")).lower()
    for marker in FORBIDDEN:
        assert marker not in html, f"{marker!r} survived in {html!r}"
    assert "before" in html and "after" in html


def test_ordinary_markdown_survives():
    html = str(render_markdown("**Bold** and [a link](https://example.org)\n\n- one\n- two"))
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html


def test_local_images_stay():
    html = str(render_markdown("![chart](/static/img/chart.png)"))
    assert 'src="/static/img/chart.png"' in html

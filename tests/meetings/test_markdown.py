"""Hostile Markdown: whatever a writer types, the HTML runs nothing and fetches nothing."""

import pytest

from meetings.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x">',
    "<style>body{background:url(https://evil.example/x)}</style>",
    '<p style="background:url(https://evil.example/x)">styled</p>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<form action="https://evil.example/"><input name="p"></form>',
    "![tracker](https://evil.example/pixel.png)",
    "![tracker](//evil.example/pixel.png)",
    "![tracker](/\\evil.example/pixel.png)",
    '<img src="https://evil.example/p.png" srcset="https://evil.example/p2.png 2x">',
    '<video src="https://evil.example/v.mp4" poster="https://evil.example/p.png"></video>',
    '<audio src="https://evil.example/a.mp3"></audio>',
    '<base href="https://evil.example/">',
    '<div onclick="alert(1)" onmouseover="alert(2)">hover</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://ok.example/" onfocus="alert(1)" autofocus>x</a>',
    "<!-- <script>alert(1)</script> -->",
    '<table background="https://evil.example/bg.png"><tr><td>x</td></tr></table>',
]

FORBIDDEN = [
    "<script",
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "onfocus",
    "javascript:",
    "data:",
    "<iframe",
    "<object",
    "<embed",
    "<style",
    "style=",
    "<link",
    "<meta",
    "<form",
    "<input",
    "<svg",
    "<video",
    "<audio",
    "<base",
    "evil.example",
    "srcset",
    "background=",
    "<!--",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_neutralised(text):
    html = render_markdown(text).lower()
    for needle in FORBIDDEN:
        assert needle not in html, f"{needle!r} survived in {html!r}"


def test_ordinary_markdown_keeps_its_structure():
    html = render_markdown(
        "# Title\n\n## Sub\n\nSome **bold** and *em* text.\n\n- one\n- two\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[MHHS](https://www.mhhsprogramme.co.uk/)"
    )
    assert "<h3>Title</h3>" in html and "<h4>Sub</h4>" in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<li>one</li>" in html
    assert "<td>1</td>" in html
    assert 'href="https://www.mhhsprogramme.co.uk/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_images_from_this_site_are_kept_and_others_dropped():
    html = render_markdown("![chart](/media/chart.png) ![remote](https://cdn.example/c.png)")
    assert 'src="/media/chart.png"' in html
    assert "cdn.example" not in html


def test_text_that_looks_like_html_is_escaped_in_code():
    html = render_markdown("`<script>alert(1)</script>`")
    assert "&lt;script&gt;" in html
    assert "<script" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""

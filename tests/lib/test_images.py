"""Logos: an SVG keeps its drawing and loses anything that could run or fetch; a PNG must be a whole PNG."""

import io
from pathlib import Path

import pytest
from PIL import Image

from lib.images import ImageRefused, png_check, svg_clean

DEMO_LOGO = Path(__file__).resolve().parents[2] / "demo" / "dudley-2019-20" / "logo.svg"


def svg(inner: str, attrs: str = "") -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {attrs}>{inner}</svg>'
    ).encode()


def test_a_plain_logo_keeps_every_shape_and_text():
    cleaned = svg_clean(DEMO_LOGO.read_bytes())
    assert cleaned.removed == []
    text = cleaned.content.decode()
    assert text.count("<circle ") == 3
    assert text.count("<path ") == 3
    assert 'viewBox="0 0 240 96"' in text
    assert ">Children Partnership</text>" in text


def test_script_and_event_handlers_are_taken_out():
    cleaned = svg_clean(svg('<script>alert(1)</script><rect width="10" onclick="alert(2)"/>', 'onload="alert(3)"'))
    assert cleaned.removed == ["<script>", "onclick", "onload"]
    assert cleaned.content == (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<rect width="10"></rect></svg>'
    )


def test_foreign_object_style_and_images_are_taken_out():
    inner = (
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
        "<style>@import url(https://example.org/x.css);</style>"
        '<image href="https://example.org/tracker.png"/><circle r="3"/>'
    )
    cleaned = svg_clean(svg(inner))
    assert cleaned.removed == ["<foreignObject>", "<image>", "<style>"]
    assert cleaned.content.endswith(b'<circle r="3"></circle></svg>')


def test_references_to_other_files_go_and_references_inside_the_file_stay():
    inner = (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>'
        '<rect fill="url(#g)" style="fill:url(https://example.org/x);stroke:red"/>'
        '<use xlink:href="#g"/><use xlink:href="https://example.org/other.svg#a"/>'
        '<rect fill="url(https://example.org/y)"/>'
    )
    cleaned = svg_clean(svg(inner))
    assert cleaned.removed == ["a reference to another file"]
    text = cleaned.content.decode()
    assert '<rect fill="url(#g)" style="stroke:red"></rect>' in text
    assert '<use xlink:href="#g"></use><use></use><rect></rect>' in text


def test_a_link_goes_but_what_it_wrapped_stays():
    cleaned = svg_clean(svg('<a href="javascript:alert(1)"><circle r="3"/></a>'))
    assert cleaned.removed == ["<a>"]
    assert b"javascript" not in cleaned.content
    assert b'<circle r="3"></circle>' in cleaned.content


def test_drawing_programs_own_data_goes_quietly():
    raw = svg(
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>'
        '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"/>'
        '<g xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:label="Layer 1">'
        '<rect style="fill:#1d70b8;-inkscape-stroke:none"/></g>'
    )
    cleaned = svg_clean(raw)
    assert cleaned.removed == []
    assert cleaned.content.endswith(b'<g><rect style="fill:#1d70b8"></rect></g></svg>')


def test_text_is_escaped_when_written_again():
    cleaned = svg_clean(svg("<title>Health &amp; &lt;care&gt;</title>"))
    assert b"<title>Health &amp; &lt;care&gt;</title>" in cleaned.content


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "The logo declares"),
        (b'<!DOCTYPE svg SYSTEM "http://example.org/x.dtd"><svg/>', "The logo declares"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect>", "The logo could not be read"),
        (b"%PDF-1.4 not an svg", "The logo could not be read"),
        (b"<html><body/></html>", "The logo is not an SVG image"),
    ],
)
def test_files_that_are_not_plain_svg_are_refused(raw, start):
    with pytest.raises(ImageRefused) as refused:
        svg_clean(raw)
    assert str(refused.value).startswith(start)


def test_entities_are_refused_with_what_to_do():
    with pytest.raises(ImageRefused) as refused:
        svg_clean(b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg/>')
    assert str(refused.value) == (
        "The logo declares a DOCTYPE or entities, which a logo does not need and the portal does not accept. "
        "Export it as plain SVG (in Inkscape: Save as, Plain SVG) and upload it again."
    )


def png_bytes(size=(20, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_whole_png_passes():
    png_check(png_bytes())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"GIF89a....", "The file is not a PNG image. Upload the logo as an SVG or a PNG file."),
        (png_bytes()[:60], "The PNG file is damaged or incomplete. Export the logo again and upload the new file."),
    ],
)
def test_a_file_that_is_not_a_whole_png_is_refused(raw, message):
    with pytest.raises(ImageRefused) as refused:
        png_check(raw)
    assert str(refused.value) == message


def test_a_png_of_too_many_pixels_is_refused():
    with pytest.raises(ImageRefused) as refused:
        png_check(png_bytes((5000, 4000)))
    assert str(refused.value) == (
        "The logo is 5000 by 4000 pixels, too large to show. "
        "Make it at most 4096 by 4096 pixels (a logo needs far fewer) and upload it again."
    )

"""Uploaded images made safe to show: SVG rebuilt from an allow-list, PNG checked by Pillow.

An SVG is a document that can run script, load other files and embed HTML. A logo needs
none of that, so the SVG is parsed and written out again keeping only drawing elements
and attributes on an allow-list: scripts, event handlers (on*), <style>, <foreignObject>,
links and references to anything outside the file are dropped, and a file that declares a
DTD or entities is refused outright (the classic XML expansion and external-entity attacks
live there). No maintained SVG sanitiser is installed, so this is the careful allow-list
the stdlib allows; expat parses it, after a first pass that refuses any DOCTYPE.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - used only after _refuse_dtd has run on the same bytes
from dataclasses import dataclass, field
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 4096 * 4096


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


class ImageRefused(ValueError):
    """The file cannot be used as an image; the message says why and what to do."""


ELEMENTS = _names(
    "svg g defs title desc symbol use path rect circle ellipse line polyline polygon text tspan textPath "
    "linearGradient radialGradient stop clipPath mask pattern marker filter feGaussianBlur feOffset feBlend "
    "feColorMatrix feFlood feComposite feMerge feMergeNode feDropShadow"
)
# Elements whose content is kept although the element itself is not (a link around a shape).
UNWRAPPED = frozenset({"a", "switch"})
# Dropped without a word: drawing programs' own bookkeeping, which nobody needs told about.
QUIET_ELEMENTS = frozenset({"metadata"})
XHTML_NS = "http://www.w3.org/1999/xhtml"
PRESENTATION = _names(
    "fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit "
    "stroke-dasharray stroke-dashoffset stroke-opacity opacity font-family font-size font-weight font-style "
    "font-variant text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing "
    "text-decoration clip-path clip-rule mask filter stop-color stop-opacity flood-color flood-opacity "
    "visibility display color paint-order vector-effect shape-rendering text-rendering "
    "color-interpolation-filters marker-start marker-mid marker-end transform"
)
ATTRIBUTES = PRESENTATION | _names(
    "id class x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points viewBox preserveAspectRatio "
    "version role aria-label aria-labelledby aria-describedby aria-hidden lang offset gradientUnits "
    "gradientTransform spreadMethod patternUnits patternTransform patternContentUnits clipPathUnits maskUnits "
    "maskContentUnits filterUnits primitiveUnits stdDeviation in in2 result mode values type operator k1 k2 k3 "
    "k4 dx dy rotate textLength lengthAdjust startOffset refX refY markerWidth markerHeight markerUnits orient "
    "style href"
)
_LOCAL_URL = re.compile(r"url\(\s*['\"]?#[\w.:-]+['\"]?\s*\)", re.IGNORECASE)
_DANGEROUS_VALUE = re.compile(r"url\(|expression\(|javascript:|@import|\\|/\*", re.IGNORECASE)


@dataclass
class CleanSvg:
    content: bytes
    removed: list[str] = field(default_factory=list)


def svg_clean(raw: bytes) -> CleanSvg:
    """The SVG rebuilt from the allow-list, and what was removed ('script', 'onload', ...); raises ImageRefused."""
    _refuse_dtd(raw)
    try:
        root = ET.fromstring(raw)  # noqa: S314 - no DTD, so no entity can expand or reach outside
    except ET.ParseError:
        raise ImageRefused(_NOT_XML) from None
    namespace, name = _split(root.tag)
    if name != "svg" or namespace not in ("", SVG_NS):
        raise ImageRefused(
            "The logo is not an SVG image: its first element is not <svg>. "
            "Export the logo from your drawing program as SVG, or upload a PNG."
        )
    removed: list[str] = []
    out = io.StringIO()
    try:
        _write(root, out, removed, top=True)
    except RecursionError:
        raise ImageRefused(
            "The logo is nested too deeply to check. Simplify it in your drawing program, or upload a PNG."
        ) from None
    return CleanSvg(content=out.getvalue().encode("utf-8"), removed=sorted(set(removed)))


_NOT_XML = (
    "The logo could not be read as an SVG image (it is not well-formed XML). "
    "Export it from your drawing program as SVG again, or upload a PNG."
)


def _refuse_dtd(raw: bytes) -> None:
    def refuse(*_args):
        raise ImageRefused(
            "The logo declares a DOCTYPE or entities, which a logo does not need and the portal does not accept. "
            "Export it as plain SVG (in Inkscape: Save as, Plain SVG) and upload it again."
        )

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(raw, True)
    except expat.ExpatError:
        raise ImageRefused(_NOT_XML) from None


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _write(element, out, removed: list[str], top: bool = False) -> None:
    namespace, name = _split(element.tag)
    if namespace not in ("", SVG_NS):
        if namespace == XHTML_NS:  # HTML inside an SVG is how script usually hides in one
            removed.append(f"<{name}>")
        return
    if name in UNWRAPPED:
        removed.append(f"<{name}>")
        _write_content(element, out, removed)
        return
    if name not in ELEMENTS:
        if name not in QUIET_ELEMENTS:
            removed.append(f"<{name}>")
        return
    attributes = _clean_attributes(element, removed)
    if top:
        attributes = [("xmlns", SVG_NS), ("xmlns:xlink", XLINK_NS)] + attributes
    out.write(f"<{name}" + "".join(f" {key}={quoteattr(value)}" for key, value in attributes) + ">")
    _write_content(element, out, removed)
    out.write(f"</{name}>")


def _write_content(element, out, removed: list[str]) -> None:
    out.write(escape(element.text or ""))
    for child in element:
        _write(child, out, removed)
        out.write(escape(child.tail or ""))


def _clean_attributes(element, removed: list[str]) -> list[tuple[str, str]]:
    kept = []
    for key, value in element.attrib.items():
        namespace, name = _split(key)
        if namespace == XML_NS and name in ("space", "lang"):
            kept.append((f"xml:{name}", value))
            continue
        if namespace == XLINK_NS and name == "href":
            key_out = "xlink:href"
        elif namespace:
            continue  # an editor's own attributes (inkscape:label): never read by a browser
        else:
            key_out = name
        if name not in ATTRIBUTES:
            removed.append(name)
        elif name == "style":
            if style := _clean_style(value, removed):
                kept.append((key_out, style))
        elif name == "href" and not value.strip().startswith("#"):
            # Only a reference to something in the same file (a gradient, a symbol): never another file or script.
            removed.append(_OUTSIDE)
        elif not _value_safe(value):
            removed.append(_OUTSIDE)
        else:
            kept.append((key_out, value))
    return kept


_OUTSIDE = "a reference to another file"


def _value_safe(value: str) -> bool:
    return not _DANGEROUS_VALUE.search(_LOCAL_URL.sub("", value))


def _clean_style(value: str, removed: list[str]) -> str:
    """The style's presentation properties; an editor's own properties go quietly, unsafe values do not."""
    kept = []
    for declaration in value.split(";"):
        prop, _, prop_value = declaration.partition(":")
        prop, prop_value = prop.strip().lower(), prop_value.strip()
        if not _value_safe(prop_value):
            removed.append(_OUTSIDE)
        elif prop in PRESENTATION and prop_value:
            kept.append(f"{prop}:{prop_value}")
    return ";".join(kept)


def png_check(raw: bytes) -> None:
    """Raise ImageRefused unless the bytes are a whole PNG image of a sensible size."""
    from PIL import Image, UnidentifiedImageError

    if not raw.startswith(PNG_SIGNATURE):
        raise ImageRefused(_NOT_AN_IMAGE)
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG":
                raise ImageRefused(_NOT_AN_IMAGE)
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused(
                    f"The logo is {image.width} by {image.height} pixels, too large to show. "
                    "Make it at most 4096 by 4096 pixels (a logo needs far fewer) and upload it again."
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ImageRefused(
            "The PNG file is damaged or incomplete. Export the logo again and upload the new file."
        ) from None


_NOT_AN_IMAGE = "The file is not a PNG image. Upload the logo as an SVG or a PNG file."

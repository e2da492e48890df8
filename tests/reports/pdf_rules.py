"""The PDF/UA-1 rules the portal's PDF is held to, checked by walking its structure tree with pikepdf.

`pdf_ua_problems(data)` returns one line per broken rule (an empty list when the PDF passes):
- the catalogue: marked, a language, the title shown from the document's metadata, bookmarks,
  the PDF/UA-1 identification in the XMP metadata;
- headings: exactly one H1, and no heading inside another heading;
- figures: every Figure has an Alt longer than a bare title (the chart's description);
- lists: every L holds only LI (and captions), every LI holds only Lbl and LBody, and none is empty;
- content: every marked-content sequence on a page belongs to an element reachable from the
  structure tree, or is an artifact (the running header and footer are artifacts).
"""

from __future__ import annotations

import io
import re

import pikepdf
from pikepdf import Array, Dictionary, Name

HEADINGS = {f"/H{n}" for n in range(1, 7)} | {"/H"}
MIN_ALT_WORDS = 6


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(obj) -> bool:
    return isinstance(obj, Dictionary) and "/S" in obj


def _elements(root):
    """(element, ancestors' tags) for every structure element, depth first."""
    stack = [(kid, ()) for kid in reversed(_kids(root))]
    seen = set()
    while stack:
        element, ancestors = stack.pop()
        if not _is_element(element) or element.objgen in seen:
            continue
        seen.add(element.objgen)
        yield element, ancestors
        tag = str(element.S)
        stack.extend((kid, (*ancestors, tag)) for kid in reversed(_kids(element)))


def _text(value) -> str:
    return str(value) if value is not None else ""


def pdf_ua_problems(data: bytes) -> list[str]:
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            problems.append("The catalogue is not marked as tagged.")
        if not _text(root.get("/Lang")):
            problems.append("The document has no language.")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            problems.append("Viewers are not told to show the document's title.")
        if not _text(pdf.docinfo.get("/Title")):
            problems.append("The document has no title.")
        if "/Outlines" not in root or "/First" not in root.Outlines:
            problems.append("The document has no bookmarks.")
        xmp = bytes(root.Metadata.read_bytes()).decode("utf-8", "replace") if "/Metadata" in root else ""
        if not re.search(r"pdfuaid:part(>|=\")1", xmp):
            problems.append("The XMP metadata does not identify the file as PDF/UA-1.")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            return [*problems, "The document has no structure tree."]

        reachable = set()
        h1 = 0
        for element, ancestors in _elements(tree):
            reachable.add(element.objgen)
            tag = str(element.S)
            kids = [kid for kid in _kids(element) if _is_element(kid)]
            if tag == "/H1":
                h1 += 1
            if tag in HEADINGS and HEADINGS.intersection(ancestors):
                problems.append(f"A {tag[1:]} sits inside a heading ({' > '.join(a[1:] for a in ancestors[-3:])}).")
            if tag == "/Figure":
                alt = _text(element.get("/Alt"))
                if len(alt.split()) < MIN_ALT_WORDS:
                    problems.append(f"A figure's text alternative is missing or only a title: {alt[:60]!r}.")
            if tag == "/L":
                others = sorted({str(k.S)[1:] for k in kids} - {"LI", "Caption"})
                if others:
                    problems.append(f"A list holds {', '.join(others)} besides list items.")
            if tag == "/LI":
                if not _kids(element):
                    problems.append("A list item is empty.")
                others = sorted({str(k.S)[1:] for k in kids} - {"Lbl", "LBody"})
                if others or len(kids) != len(_kids(element)):
                    problems.append(f"A list item holds {', '.join(others) or 'bare content'} outside Lbl and LBody.")
        if h1 != 1:
            problems.append(f"The document has {h1} H1 headings, not one.")

        parent_tree = tree.get("/ParentTree")
        nums = parent_tree.Nums if parent_tree is not None and "/Nums" in parent_tree else Array()
        by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        orphans = 0
        for page in pdf.pages:
            mcids = by_key.get(int(page.obj.get("/StructParents", -1)))
            for instruction in pikepdf.parse_content_stream(page):
                if instruction.operator != pikepdf.Operator("BDC"):
                    continue
                tag, properties = instruction.operands[0], instruction.operands[1]
                if tag == Name.Artifact or not isinstance(properties, Dictionary) or "/MCID" not in properties:
                    continue
                mcid = int(properties.MCID)
                owner = mcids[mcid] if isinstance(mcids, Array) and mcid < len(mcids) else None
                if not isinstance(owner, Dictionary) or owner.objgen not in reachable:
                    orphans += 1
        if orphans:
            problems.append(
                f"{orphans} marked-content sequences belong to no element of the structure tree "
                "(content read in the flow that should be an artifact, such as a page header or footer)."
            )
    return problems

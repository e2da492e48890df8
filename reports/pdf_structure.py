"""Finish the tagging WeasyPrint gives the PDF, for the PDF/UA-1 rules it leaves unmet.

WeasyPrint tags the document from the HTML, but two of its habits break PDF/UA-1:

- the running title and "Page N of M" in the page margins are marked as content (a Span
  with an MCID) whose structure element hangs from nothing, so a screen reader following
  the content reads them in the middle of the text. They become pagination artifacts.
- a list item whose content is a block (a paragraph, as Markdown gives for a loose list)
  is tagged LI > Lbl + P, and a list nested in an item is tagged beside the item, where the
  rules want LI > Lbl + LBody with the sub-list inside the LBody. Both go into the item's
  LBody; an item with nothing in it is dropped from its list.

Everything else (the title, language, bookmarks, the PDF/UA identification) is kept as
WeasyPrint wrote it. pikepdf (qpdf) reads and writes the file.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

PAGINATION = Dictionary(Type=Name.Pagination)


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(obj) -> bool:
    return isinstance(obj, Dictionary) and "/S" in obj


def _reachable(root) -> set[tuple[int, int]]:
    """Every structure element reachable from the structure tree's root."""
    seen: set[tuple[int, int]] = set()
    stack = _kids(root)
    while stack:
        element = stack.pop()
        if not _is_element(element) or element.objgen in seen:
            continue
        seen.add(element.objgen)
        stack.extend(_kids(element))
    return seen


def _artifact_orphans(pdf: pikepdf.Pdf, reachable: set[tuple[int, int]]) -> int:
    """Mark content whose structure element is unreachable as a pagination artifact; return how many."""
    parent_tree = pdf.Root.StructTreeRoot.get("/ParentTree")
    if parent_tree is None or "/Nums" not in parent_tree:
        return 0
    nums = parent_tree.Nums
    by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    changed = 0
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        mcids = by_key.get(int(key)) if key is not None else None
        if not isinstance(mcids, Array):
            continue
        orphans = {
            mcid
            for mcid, element in enumerate(mcids)
            if isinstance(element, Dictionary) and element.objgen not in reachable
        }
        if not orphans:
            continue
        instructions = pikepdf.parse_content_stream(page)
        rewritten = []
        for instruction in instructions:
            operands, operator = instruction.operands, instruction.operator
            if (
                operator == pikepdf.Operator("BDC")
                and len(operands) == 2
                and isinstance(operands[1], Dictionary)
                and int(operands[1].get("/MCID", -1)) in orphans
            ):
                rewritten.append(pikepdf.ContentStreamInstruction([Name.Artifact, PAGINATION], operator))
                changed += 1
            else:
                rewritten.append(instruction)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
        for mcid in orphans:
            mcids[mcid] = None
    return changed


def _body_of(pdf: pikepdf.Pdf, item) -> Dictionary:
    """The list item's LBody, made if it has none."""
    for kid in _kids(item):
        if _is_element(kid) and str(kid.S) == "/LBody":
            return kid
    body = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.LBody, P=item, K=Array()))
    if "/Pg" in item:
        body.Pg = item.Pg
    item.K = Array([*_kids(item), body])
    return body


def _adopt(body, kids: list) -> None:
    body.K = Array([*_kids(body), *kids])
    for kid in kids:
        kid.P = body


def _list_bodies(pdf: pikepdf.Pdf) -> int:
    """Every list item as Lbl + LBody: a nested list tagged beside its item goes into the item's LBody,
    whatever else an item holds besides its label goes into its LBody, and empty items go. Return how many."""
    changed = 0
    stack = _kids(pdf.Root.StructTreeRoot)
    seen: set[tuple[int, int]] = set()
    while stack:
        element = stack.pop()
        if not _is_element(element) or element.objgen in seen:
            continue
        seen.add(element.objgen)
        tag = str(element.S)
        if tag == "/L":
            kept = []
            for kid in _kids(element):
                if _is_element(kid) and str(kid.S) == "/LI" and not _kids(kid):
                    changed += 1  # an empty item: nothing to read
                elif _is_element(kid) and str(kid.S) == "/L" and kept and str(kept[-1].get("/S")) == "/LI":
                    _adopt(_body_of(pdf, kept[-1]), [kid])  # a sub-list belongs to the item before it
                    changed += 1
                elif _is_element(kid) and str(kid.S) == "/L":
                    # a sub-list with no item before it (its item began on an earlier page): an item of its own
                    item = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.LI, P=element, K=Array()))
                    if "/Pg" in kid:
                        item.Pg = kid.Pg
                    _adopt(_body_of(pdf, item), [kid])
                    kept.append(item)
                    changed += 1
                else:
                    kept.append(kid)
            element.K = Array(kept)
        elif tag == "/LI":
            loose = [kid for kid in _kids(element) if not (_is_element(kid) and str(kid.S) in ("/Lbl", "/LBody"))]
            if loose and all(_is_element(kid) for kid in loose):
                moving = {kid.objgen for kid in loose}
                body = _body_of(pdf, element)
                element.K = Array([kid for kid in _kids(element) if not _is_element(kid) or kid.objgen not in moving])
                _adopt(body, loose)
                changed += 1
        stack.extend(_kids(element))
    return changed


def pdf_structure_tidy(data: bytes) -> bytes:
    """The PDF with margin content as artifacts and every list item as Lbl + LBody."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        _artifact_orphans(pdf, _reachable(root))
        _list_bodies(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()

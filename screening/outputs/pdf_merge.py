"""A small PDF page merger for fpdf2 output (classic xref table, no object streams)."""
from __future__ import annotations

import re
from typing import Sequence

_REF = re.compile(rb"(\d+)\s+0\s+R\b")


def _must(m: re.Match[bytes] | None, what: str) -> re.Match[bytes]:
    """The match, or ValueError for a PDF this merger cannot read."""
    if m is None:
        raise ValueError(f"unsupported PDF: no {what}")
    return m


def _objects(pdf: bytes) -> dict[int, bytes]:
    """{object number: its text between 'N 0 obj' and 'endobj'}, located through the xref table."""
    start = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    m = re.compile(rb"xref\s+(\d+)\s+(\d+)\s+").match(pdf, start)
    if m is None:
        raise ValueError("unsupported PDF: no classic xref table")
    first = int(m.group(1))
    rows = re.findall(rb"(\d{10}) \d{5} ([nf])", pdf[m.end():m.end() + 20 * int(m.group(2))])
    offsets = {first + i: int(off) for i, (off, kind) in enumerate(rows) if kind == b"n"}
    ends = sorted(offsets.values()) + [start]
    objs = {}
    for num, off in offsets.items():
        seg = pdf[off:ends[ends.index(off) + 1]]
        head = _must(re.match(rb"\d+\s+\d+\s+obj\s*", seg), "object header")
        objs[num] = seg[head.end():seg.rfind(b"endobj")]
    return objs


def _renumber(body: bytes, mapping: dict[int, int]) -> bytes:
    """Rewrite 'N 0 R' references in the dictionary part only (stream bytes are left as they are)."""
    cut = re.search(rb"\bstream\r?\n", body)
    head, tail = (body[:cut.start()], body[cut.start():]) if cut else (body, b"")
    return _REF.sub(lambda m: b"%d 0 R" % mapping[int(m.group(1))] if int(m.group(1)) in mapping else b"null",
                    head) + tail


def merge_pdfs(docs: Sequence[bytes]) -> bytes:
    """Concatenate the pages of PDFs (as fpdf2 writes them) into one PDF."""
    bodies: list[bytes] = [b"", b""]       # objects 1 (page tree) and 2 (catalog) are written last
    kids, version = [], b"1.3"
    for doc in docs:
        version = max(version, _must(re.match(rb"%PDF-(\d\.\d)", doc), "version").group(1))
        objs = _objects(doc)
        trailer = doc[doc.rfind(b"trailer"):]
        root = int(_must(re.search(rb"/Root\s+(\d+)\s+0\s+R", trailer), "/Root").group(1))
        info = re.search(rb"/Info\s+(\d+)\s+0\s+R", trailer)
        tree = int(_must(re.search(rb"/Pages\s+(\d+)\s+0\s+R", objs[root]), "/Pages").group(1))
        box = re.search(rb"/MediaBox\s*\[[^\]]*\]", objs[tree])
        keep = [n for n in sorted(objs) if n not in (root, tree, int(info.group(1)) if info else -1)]
        mapping = {n: len(bodies) + 1 + i for i, n in enumerate(keep)}
        mapping[tree] = 1
        for n in keep:
            body = _renumber(objs[n], mapping)
            if re.search(rb"/Type\s*/Page\b", body):
                kids.append(mapping[n])
                if box and b"/MediaBox" not in body:
                    body = body.replace(b"<<", b"<<\n" + box.group(0), 1)
            bodies.append(body)
    bodies[0] = b"<<\n/Type /Pages\n/Count %d\n/Kids [%s]\n>>\n" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids))
    bodies[1] = b"<<\n/Type /Catalog\n/Pages 1 0 R\n>>\n"
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body.strip(b"\r\n") + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<<\n/Size %d\n/Root 2 0 R\n>>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)

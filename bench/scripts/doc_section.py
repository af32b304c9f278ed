"""Rewrites one generated block of a Markdown document (docs/benchmarks.md):
the text between the lines `<!-- NAME: begin -->` and `<!-- NAME: end -->`,
where NAME names the script that owns the block. Every benchmark part
renders its own table this way, so the prose around the tables stays
hand-written."""
import pathlib


def replace_section(document: pathlib.Path, name: str, text: str) -> None:
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    content = document.read_text()
    start, stop = content.find(begin), content.find(end)
    if start < 0 or stop < start:
        raise SystemExit(f"{document}: the markers {begin!r} and {end!r} are missing")
    document.write_text(content[: start + len(begin)] + "\n" + text + "\n" + content[stop:])

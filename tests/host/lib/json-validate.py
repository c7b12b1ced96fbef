#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Validate ptscope's JSON against doc/ptscope.schema.json.

  json-validate.py [--schema FILE] CMD FILE
      FILE holds what "ptscope -j CMD ..." printed: one document, or one per
      line (faults --follow). Status 0 when every document is strict JSON in
      UTF-8 and valid for CMD; else 1, with the reasons on stderr.
  json-validate.py [--schema FILE] --blocks RESULTS...
      Every "# --- JSON BEGIN CMD LABEL" ... "# --- JSON END" block of the
      guests' results files (lines prefixed with "# " by tests/vm/init), as
      TAP: one line per block, and one per file saying that names that are
      not UTF-8 reached the JSON; then the plan. Status 1 if any failed, or
      if a file holds no block.

Strict JSON: the bytes must decode as UTF-8 (ptscope escapes other bytes as
\\udcXX), and NaN, Infinity and repeated keys in an object are refused.
"""
import json
import os
import re
import sys

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCHEMA = os.path.join(ROOT, "doc", "ptscope.schema.json")


class Refused(Exception):
    pass


def no_repeats(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise Refused("key %r appears %d times in one object" % (k, keys.count(k)))
    return dict(pairs)


def no_constant(name):
    raise Refused("%s is not JSON" % name)


def documents(raw):
    """The JSON documents in bytes @raw (one, or one per line), strictly."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Refused("not UTF-8: %s" % e)
    dec = json.JSONDecoder(object_pairs_hook=no_repeats, parse_constant=no_constant)
    docs, pos = [], 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos == len(text):
            break
        try:
            doc, pos = dec.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise Refused("not JSON: %s" % e)
        docs.append(doc)
    if not docs:
        raise Refused("no JSON document")
    return docs


def validator_for(schema, cmd):
    if cmd not in schema["$defs"]["commands"]:
        raise Refused("the schema has no command %r" % cmd)
    # The root's $defs, entered at the command's: refs resolve as in the file.
    sub = dict(schema)
    for k in ("anyOf", "title", "description"):
        sub.pop(k, None)
    sub["$ref"] = "#/$defs/commands/" + cmd
    return jsonschema.Draft202012Validator(sub)


def where(err):
    path = "".join("[%s]" % (json.dumps(p) if isinstance(p, str) else p) for p in err.absolute_path)
    return path or "(document)"


def leaves(err):
    if not err.context:
        yield err
    for e in err.context:
        yield from leaves(e)


def escaped_bytes(o):
    """Whether a string in document @o holds a byte that was not UTF-8 (\\udc80-\\udcff)."""
    if isinstance(o, dict):
        return any(escaped_bytes(k) or escaped_bytes(v) for k, v in o.items())
    if isinstance(o, list):
        return any(escaped_bytes(v) for v in o)
    return isinstance(o, str) and any("\udc80" <= c <= "\udcff" for c in o)


def problems(schema, cmd, raw, seen=None):
    """What is wrong with @raw as @cmd's output: a list of messages, empty if nothing.
    Documents with escaped bytes are counted in @seen[0]."""
    try:
        docs = documents(raw)
        lines = [l for l in raw.split(b"\n") if l.strip()]
        if len(docs) > 1 and len(lines) != len(docs):
            raise Refused("%d documents, not one per line" % len(docs))
        v = validator_for(schema, cmd)
    except Refused as e:
        return [str(e)]
    out = []
    if seen is not None:
        seen[0] += sum(1 for d in docs if escaped_bytes(d))
    for i, doc in enumerate(docs):
        for err in sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            # A oneOf's failure says little: name its deepest reason.
            best = max(leaves(err), key=lambda e: len(e.absolute_path))
            out.append("document %d at %s: %s" % (i + 1, where(best), best.message[:300]))
    return out


def load_schema(path):
    with open(path, "rb") as f:
        schema = json.loads(f.read().decode("utf-8"), object_pairs_hook=no_repeats)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


BEGIN = re.compile(rb"^# --- JSON BEGIN (\S+)(?: (.*))?$")


def blocks(path):
    """(cmd, label, raw bytes, line number) of each JSON block in a results file."""
    cur = None
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip(b"\r\n")
            m = BEGIN.match(line)
            if m:
                if cur:
                    yield cur[0], cur[1], None, cur[3]  # never ended
                cur = [m.group(1).decode(), (m.group(2) or b"").decode("utf-8", "replace"), [], n]
            elif cur and line == b"# --- JSON END":
                yield cur[0], cur[1], b"\n".join(cur[2]), cur[3]
                cur = None
            elif cur:
                cur[2].append(line[2:] if line.startswith(b"# ") else line[1:] if line == b"#" else line)
    if cur:
        yield cur[0], cur[1], None, cur[3]


def main(argv):
    schema_path = SCHEMA
    if len(argv) > 2 and argv[1] == "--schema":
        schema_path = argv[2]
        argv = argv[:1] + argv[3:]
    try:
        schema = load_schema(schema_path)
    except (OSError, ValueError, Refused, jsonschema.exceptions.SchemaError) as e:
        print("json-validate: %s: %s" % (schema_path, e), file=sys.stderr)
        return 2
    if len(argv) >= 2 and argv[1] == "--blocks":
        n = failed = 0

        def tap(ok, what, errs=()):
            nonlocal n, failed
            n += 1
            failed += not ok
            print("%s %d %s" % ("ok" if ok else "not ok", n, what))
            for e in errs[:10]:
                print("#   %s" % e)

        for path in argv[2:]:
            run = os.path.basename(os.path.dirname(os.path.abspath(path)))
            seen, found = [0], 0
            if not os.path.exists(path):
                tap(False, "JSON blocks in %s (no such file)" % path)
                continue
            for cmd, label, raw, line in blocks(path):
                found += 1
                errs = ["no '# --- JSON END' after line %d" % line] if raw is None else \
                    problems(schema, cmd, raw, seen)
                tap(not errs, "%s validates (%s)" % (" ".join(filter(None, (cmd, label))), run), errs)
            # The point of the guests' targets: names that are not UTF-8.
            if found:
                tap(seen[0] > 0, "names that are not UTF-8 reach the JSON (%d documents, %s)" % (seen[0], run))
            else:
                tap(False, "JSON blocks in %s (none found)" % path)
        if not n:
            tap(False, "JSON blocks in the guests' results (no results file given)")
        print("1..%d" % n)
        return 1 if failed else 0
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[2], "rb") as f:
        errs = problems(schema, argv[1], f.read())
    for e in errs:
        print("%s: %s" % (argv[2], e), file=sys.stderr)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

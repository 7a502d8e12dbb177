#!/usr/bin/env python3
"""lint.py — checks what STYLE.md promises (curl's checksrc in spirit); `make lint` runs it and
`make check` runs make lint.  Exit 1 and one line per finding (file:line: what) on failure.

  banned     sprintf vsprintf strcpy strcat strtok gets atoi atol atoll atof sscanf in C code
             (comments and string literals are skipped): parse numbers with strtol/strtod and
             check the end pointer and range; print with snprintf.
  columns    a line over 100 columns in src/ or tests/ C files (.c, .h).
  format     -Wno-format-nonliteral in the build flags (the compiler then checks that every
             format string is a literal).
  clinical   a clinical threshold in src/http or web/ (rule 9: a clinical rule lives in
             src/clinic): a comparison of a clinical quantity with a number, or a named constant
             of a clinical quantity.  A heuristic: a line that is not a threshold is listed in
             scripts/lint-allow.txt (path, a piece of the line, and why).

Usage: scripts/lint.py [--root DIR] [FILE...]   (files: only those, e.g. for a pre-commit hook)
"""
import os
import re
import sys

MAX_COLUMNS = 100
BANNED = ("sprintf", "vsprintf", "strcpy", "strcat", "strtok", "gets", "atoi", "atol", "atoll",
          "atof", "sscanf")
BANNED_RE = re.compile(r"(?<![\w.>])(" + "|".join(BANNED) + r")\s*\(")
WHY = {
    "sprintf": "use snprintf with the buffer's size",
    "vsprintf": "use vsnprintf with the buffer's size",
    "strcpy": "use snprintf(dst, size, \"%s\", src) or memcpy with a checked length",
    "strcat": "use snprintf at an offset with the remaining size",
    "strtok": "not reentrant and edits its input; walk with strchr/strcspn",
    "gets": "cannot be bounded; use fgets",
    "sscanf": "numbers and dates: strtol/strtod with an end-pointer and range check",
}
for f in ("atoi", "atol", "atoll", "atof"):
    WHY[f] = "no error detection; use strtol/strtoll/strtod and check the end pointer and range"

# Clinical quantities, as parts of identifiers (spo2Min -> spo2, min; sbp_max -> sbp, max).
CLINICAL = {
    "spo2", "sao2", "hr", "heart", "pulse", "sbp", "dbp", "systolic", "diastolic", "bp", "mmhg",
    "rr", "resp", "respiratory", "temp", "temperature", "etco2", "dose", "doses", "mg", "ug",
    "mcg", "mgkg", "ugkg", "weight", "bmi", "phq9", "phq", "gad7", "madrs", "cade", "bprs",
    "rass", "qtc", "egfr", "cp", "ce", "ngml", "conc", "concentration", "infusion", "bolus",
    "sedation", "saturation", "oxygen", "desat", "hypertension", "hypotension", "bradycardia",
    "tachycardia", "apnoea", "apnea", "threshold",
}
NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
# an operand compared with a number (the number other than 0, a presence check, or a rounding
# tolerance such as 1e-6): "v.spo2 < 90", "m->sbp_max >= 180", "90 > spo2"
OPERAND = r"([A-Za-z_][\w.]*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]]*\])*)"
COMPARE_RE = re.compile(OPERAND + r"\s*(?<![<>])[<>]=?(?![<>])\s*(" + NUMBER + r")(?![\w.])")
COMPARE_REV_RE = re.compile(r"(?<![\w.])(" + NUMBER + r")\s*(?<![<>])[<>]=?(?![<>])\s*" + OPERAND)
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CONST_RE = re.compile(r"(?:#\s*define\s+([A-Za-z_]\w*)\s+|\b(?:const|let|var|static)\s+"
                      r"(?:\w+\s+)*([A-Za-z_]\w*)\s*(?:\[\w*\]\s*)?=\s*)\(?" + NUMBER +
                      r"\s*[;,)\n]")


def is_threshold(num):
    v = abs(float(num))
    return v != 0 and v >= 1e-3


def ident_parts(name):
    parts = []
    for chunk in name.split("_"):
        parts += re.findall(r"[A-Z]?[a-z0-9]+|[A-Z0-9]+(?![a-z])", chunk)
    return {p.lower() for p in parts if p}


def operand_words(operand):
    words = set()
    for ident in IDENT_RE.findall(operand):
        words |= ident_parts(ident)
    return words & CLINICAL


def strip_c(text):
    """Blanks comments and string/char literals (keeping newlines and columns)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * max(0, j - i - 2) + (c if j - i >= 2 else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_js(text):
    """Blanks JS comments and string literals, roughly (enough for the threshold heuristic)."""
    return strip_c(re.sub(r"`[^`]*`", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text))


def load_allow(root):
    allow = []
    path = os.path.join(root, "scripts", "lint-allow.txt")
    if not os.path.exists(path):
        return allow
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("|", 2)
            if len(parts) != 3 or not parts[2].strip():
                sys.exit(f"scripts/lint-allow.txt: '{line}' is not 'path|piece of line|why'")
            allow.append((parts[0].strip(), parts[1].strip()))
    return allow


def c_files(root):
    for top in ("src", "tests"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, name), root)


def web_files(root):
    for name in sorted(os.listdir(os.path.join(root, "src", "http"))):
        if name.endswith((".c", ".h")):
            yield os.path.join("src", "http", name)
    for d, dirs, names in os.walk(os.path.join(root, "web")):
        dirs[:] = [x for x in dirs if x != "vendor"]
        for name in sorted(names):
            if name.endswith((".js", ".mjs", ".html")):
                yield os.path.relpath(os.path.join(d, name), root)


def check_c(root, rel, findings):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        text = f.read()
    for no, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_COLUMNS:
            findings.append(f"{rel}:{no}: {len(line)} columns (at most {MAX_COLUMNS})")
    for no, line in enumerate(strip_c(text).split("\n"), 1):
        for m in BANNED_RE.finditer(line):
            fn = m.group(1)
            findings.append(f"{rel}:{no}: {fn}() is banned: {WHY[fn]}")


def check_clinical(root, rel, allow, findings):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        text = f.read()
    raw = text.split("\n")
    code = (strip_c(text) if rel.endswith((".c", ".h")) else strip_js(text)).split("\n")
    for no, line in enumerate(code, 1):
        why = None
        m = CONST_RE.search(line + "\n")
        name = m and (m.group(1) or m.group(2))
        if name and ident_parts(name) & CLINICAL:
            why = f"constant {name} looks like a clinical value"
        else:
            hit = set()
            for c in COMPARE_RE.finditer(line):
                if is_threshold(c.group(2)):
                    hit |= operand_words(c.group(1))
            for c in COMPARE_REV_RE.finditer(line):
                if is_threshold(c.group(1)):
                    hit |= operand_words(c.group(2))
            if hit:
                why = f"compares {', '.join(sorted(hit))} with a number"
        if not why:
            continue
        src = raw[no - 1]
        if any(rel == p and piece in src for p, piece in allow):
            continue
        findings.append(f"{rel}:{no}: {why}: a clinical threshold belongs in src/clinic "
                        f"(or list the line in scripts/lint-allow.txt with why it is not one)")


def check_build_flags(root, findings):
    for rel in ["Makefile"] + sorted(os.path.join("mk", x) for x in
                                     os.listdir(os.path.join(root, "mk")) if x.endswith(".mk")):
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                if "-Wno-format-nonliteral" in line.split("#")[0]:
                    findings.append(f"{rel}:{no}: -Wno-format-nonliteral hides format strings "
                                    "that are not literals")


def main(argv):
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--root" and i + 1 < len(argv):
            root = argv[i + 1]
            i += 2
            continue
        files.append(os.path.relpath(os.path.abspath(argv[i]), root))
        i += 1
    allow = load_allow(root)
    findings = []
    cset = [f for f in c_files(root) if not files or f in files]
    wset = [f for f in web_files(root) if not files or f in files]
    for rel in cset:
        check_c(root, rel, findings)
    for rel in wset:
        check_clinical(root, rel, allow, findings)
    if not files:
        check_build_flags(root, findings)
    for line in findings:
        print(line)
    print(f"lint: {len(cset)} C files, {len(wset)} src/http and web files: "
          f"{len(findings)} finding{'s' if len(findings) != 1 else ''}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

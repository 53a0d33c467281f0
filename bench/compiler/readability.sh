#!/usr/bin/env bash
# Readability of the generated C (issue 13): prints one table row per output directory.
#   bench/compiler/readability.sh [dir...]      (default: out/kernel out/hosted, after ./build.sh)
# Columns: .c/.h files; lines per file (max / mean); `goto` statements; labels (not case/default);
# bare integer literals with |value| >= 1000 outside static tables, _Static_assert layout checks and comments
# (decimal; and of them negative decimals, the NTSTATUS-like ones); distinct identifiers longer than 32 and
# than 48 characters (longest); the longest function in lines (and its name); compiler temporaries (declared
# tmpN / stkN_* variables and Roslyn's unnamed locN, summed over functions); wrapping casts `(intN_t)((uintN_t)...` (signed arithmetic done
# in unsigned so that C has no overflow UB). Prints numbers; it is not a test and never fails on a number.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -gt 0 ] || set -- "$root/out/kernel" "$root/out/hosted"
printf '%-12s %5s %13s %5s %6s %13s %11s %11s %10s %6s %8s\n' \
  target files lines/file goto labels 'big-lits(neg)' 'ids>32' 'ids>48' 'longest-fn' temps wrapcast
for dir in "$@"; do
  [ -d "$dir" ] || { echo "readability: $dir: no such directory (run ./build.sh)" >&2; exit 2; }
  python3 - "$dir" <<'PY'
import os, re, sys
d = sys.argv[1]
files = sorted(f for f in os.listdir(d) if f.endswith(('.c', '.h')))
texts = {f: open(os.path.join(d, f), encoding='utf-8').read() for f in files}
lines = {f: t.count('\n') for f, t in texts.items()}
def strip_comments(t):
    t = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), t, flags=re.S)
    return re.sub(r'//[^\n]*', '', t)
def strip_strings(t):
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', t)
gotos = labels = big = neg = temps = wraps = 0
ids = set()
longest = (0, '')
for f, raw in texts.items():
    t = strip_strings(strip_comments(raw))
    gotos += len(re.findall(r'\bgoto\b', t))
    labels += len([l for l in re.findall(r'^\s*([A-Za-z_]\w*):(?!:)', t, flags=re.M) if l != 'default'])
    wraps += len(re.findall(r'\((?:u?int(?:8|16|32|64)_t|u?intptr_t)\)\(\((?:uint(?:8|16|32|64)_t|uintptr_t)\)', t))
    ids.update(re.findall(r'\b[A-Za-z_]\w*\b', t))
    in_table = False
    fn = None; fn_start = 0
    for i, line in enumerate(t.split('\n')):
        s = line.strip()
        # static data tables: an initializer list that spans lines, up to its closing '};'
        if re.search(r'=\s*\{\s*$', line) and not line.startswith(' '):
            in_table = True
        if in_table:
            if s.endswith('};'):
                in_table = False
            continue
        if s.startswith('_Static_assert') or s.startswith('#'):
            continue
        for m in re.finditer(r'(-\s*)?\b(0[xX][0-9A-Fa-f]+|\d+)[uUlL]*\b', line):
            text = m.group(2)
            v = int(text, 16) if text[:2].lower() == '0x' else int(text)
            if v >= 1000 and not text.lower().startswith('0x'):
                big += 1
                if m.group(1):
                    neg += 1
        # functions: a definition line at column 0 followed by '{' at column 0, ended by '}' at column 0
        if line == '{' and i > 0:
            fn = prev; fn_start = i; ftemps = set()
        elif fn is not None:
            for name in re.findall(r'^\s+[A-Za-z_][\w ]*[ *](tmp\d+|stk\d+_\w+|(?:old_)?loc\d+(?:_\d+)?)(?:\[|;| =)', line):
                ftemps.add(name)
            if line == '}':
                n = i - fn_start + 1
                if n > longest[0]:
                    m = re.search(r'([A-Za-z_]\w*)\s*\(', fn)
                    longest = (n, m.group(1) if m else '?')
                temps += len(ftemps)
                fn = None
        prev = line
over32 = sorted(i for i in ids if len(i) > 32)
over48 = [i for i in over32 if len(i) > 48]
maxlen = max((len(i) for i in ids), default=0)
ls = [lines[f] for f in files]
print('%-12s %5d %13s %5d %6d %13s %11s %11s %10s %6d %8d' % (
    os.path.basename(os.path.normpath(d)), len(files),
    '%d / %d' % (max(ls), sum(ls) // max(len(ls), 1)), gotos, labels, '%d (%d)' % (big, neg),
    '%d' % len(over32), '%d (max %d)' % (len(over48), maxlen),
    '%d' % longest[0], temps, wraps))
print('%-12s longest function: %s' % ('', longest[1]))
PY
done

#!/usr/bin/env python3
"""Lists the longest C# methods under src/: lines from a member's signature to its closing brace at the same indent.

Usage: python3 bench/method_lengths.py [--top N] [--max LINES] [root]
With --max, exits 1 when any method is longer (a check the build or a reviewer can run).
"""
import os, re, sys

SIGNATURE = re.compile(
    r'^(?P<indent>\s+)(?:(?:public|private|protected|internal|static|async|override|virtual|sealed|abstract|new|unsafe|extern|partial)\s+)+'
    r'[\w<>\[\],.?() ]+?\s+(?P<name>[A-Za-z_]\w*)\s*(?:<[^>]*>)?\s*\(')

def methods(path):
    with open(path, encoding='utf-8-sig') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        m = SIGNATURE.match(lines[i])
        if m and ' class ' not in lines[i] and ' record ' not in lines[i] and ' struct ' not in lines[i] and '=>' not in lines[i].split('(')[0]:
            indent = m.group('indent')
            # find the opening brace at the same indent (signatures may wrap); give up at ';' or '=>' first
            j = i
            while j < len(lines) and lines[j] != indent + '{':
                if lines[j].rstrip().endswith(';') or '=>' in lines[j]:
                    break
                j += 1
            if j < len(lines) and lines[j] == indent + '{':
                k = j + 1
                while k < len(lines) and lines[k] != indent + '}':
                    k += 1
                yield m.group('name'), i + 1, k - i + 1
                i = k
        i += 1

def main(argv):
    top, limit, root = 15, None, 'src'
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == '--top': top = int(args.pop(0))
        elif a == '--max': limit = int(args.pop(0))
        else: root = a
    found = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in ('obj', 'bin')]
        for f in files:
            if f.endswith('.cs'):
                p = os.path.join(d, f)
                found += [(n, p, line, length) for n, line, length in methods(p)]
    found.sort(key=lambda t: -t[3])
    for n, p, line, length in found[:top]:
        print(f'{length:5d}  {p}:{line}  {n}')
    if limit is not None and found and found[0][3] >= limit:
        print(f'largest method is {found[0][3]} lines (limit {limit})', file=sys.stderr)
        return 1
    return 0

if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

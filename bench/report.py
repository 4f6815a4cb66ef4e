#!/usr/bin/env python3
"""Turns bench/compare.sh's medians.tsv into a Markdown table (with ratios against etcd) and an SVG bar chart.

usage: bench/report.py MEDIANS_TSV OUT_DIR
"""
import csv
import sys
from pathlib import Path


def load(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter='\t'))


def table(rows):
    def rates(system):
        return {(r['op'], r['connections']): float(r['ops_per_s']) for r in rows if r['system'] == system}

    def ratio(r, base):
        rate = base.get((r['op'], r['connections']))
        return f"{float(r['ops_per_s']) / rate:.1f}x" if rate and r['system'] == 'catena' else ''

    etcd, redis = rates('etcd'), rates('redis')
    lines = ['| system | op | connections | ops/s | p50 ms | p99 ms | vs etcd | vs Redis | CPU ms / 1000 writes / node |',
             '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for r in rows:
        lines.append(f"| {r['system']} {r['config']} | {r['op']} | {r['connections']} | {float(r['ops_per_s']):,.0f} "
                     f"| {float(r['p50_ms']):.2f} | {float(r['p99_ms']):.2f} | {ratio(r, etcd)} | {ratio(r, redis)} "
                     f"| {r['cpu_ms_per_1000_writes_per_node']} |")
    return '\n'.join(lines) + '\n'


def chart(rows):
    groups = [(op, c) for op, c in [('put', '1'), ('put', '16'), ('put', '64'), ('get', '64')]]
    series = []
    for r in rows:
        name = f"{r['system']} {r['config']}"
        if name not in series:
            series.append(name)
    value = {(f"{r['system']} {r['config']}", r['op'], r['connections']): float(r['ops_per_s']) for r in rows}
    top = max(value.values()) if value else 1
    colors = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948']
    width, height, left, bottom, group_w = 900, 420, 70, 60, 200
    bar_w = (group_w - 30) / max(1, len(series))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           f'font-size="12">',
           f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">ops/s, medians (log scale), '
           f'100-byte values, fsync on</text>']
    import math
    scale_max = math.log10(top * 1.2)
    plot_h = height - bottom - 40
    for tick in [10, 100, 1000, 10000, 100000, 1000000]:
        if tick > top * 1.2:
            break
        y = height - bottom - plot_h * math.log10(tick) / scale_max
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:,}</text>')
    for g, (op, conns) in enumerate(groups):
        x0 = left + 10 + g * group_w
        out.append(f'<text x="{x0 + (group_w - 30) / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                   f'{op.upper()} c={conns}</text>')
        for s, name in enumerate(series):
            v = value.get((name, op, conns))
            if not v:
                continue
            h = plot_h * math.log10(max(v, 1)) / scale_max
            x = x0 + s * bar_w
            out.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                       f'fill="{colors[s % len(colors)]}"><title>{name} {op} c={conns}: {v:,.0f}/s</title></rect>')
    for s, name in enumerate(series):
        x = left + 10 + s * 150
        out.append(f'<rect x="{x}" y="{height - 22}" width="12" height="12" fill="{colors[s % len(colors)]}"/>')
        out.append(f'<text x="{x + 16}" y="{height - 12}">{name}</text>')
    out.append('</svg>')
    return '\n'.join(out) + '\n'


def main():
    rows = load(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    (out / 'table.md').write_text(table(rows))
    (out / 'chart.svg').write_text(chart(rows))
    print(table(rows))


if __name__ == '__main__':
    main()

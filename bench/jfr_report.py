#!/usr/bin/env python3
"""Summarises the JFR recordings bench/compare.sh --jfr takes during the PUT runs at 64 connections: for each node,
where its Java CPU samples fall (by the innermost frame that names a component), its JVM user/system CPU, and its
GC pauses. Writes a Markdown table to stdout.

usage: bench/jfr_report.py RECORDING.jfr...
"""
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

# A sample belongs to the innermost frame that names one of these components (JDK frames count only when no other
# frame does: a HashMap lookup inside Netty is Netty's work).
COMPONENTS = [
    ('LMDB (lmdbjava, storage writer)', ('org/lmdbjava', 'io/catena/node/storage')),
    ('chain core (replica, frames)', ('io/catena/node/core', 'io/catena/node/transport')),
    ('JSON (Jackson, Vert.x JsonObject)', ('com/fasterxml/jackson', 'io/vertx/core/json')),
    ('metrics (Micrometer)', ('io/micrometer',)),
    ('logging (Logback)', ('ch/qos/logback', 'org/slf4j')),
    ('HTTP API (Catena handlers)', ('io/catena/node/api', 'io/catena/http')),
    ('HTTP codec and Vert.x', ('io/netty/handler/codec/http', 'io/vertx/core/http')),
    ('Netty I/O and buffers', ('io/netty', 'io/vertx')),
    ('JDK (collections, strings, NIO)', ('java/', 'jdk/', 'sun/')),
]


def events(recording, kind):
    text = subprocess.run(['jfr', 'print', '--json', '--events', kind, str(recording)], check=True,
                          capture_output=True, text=True).stdout
    return json.loads(text)['recording']['events']


def component(frames):
    for candidates in (COMPONENTS[:-1], COMPONENTS[-1:]):
        for frame in frames:
            type_name = frame['method']['type']['name']
            for name, prefixes in candidates:
                if type_name.startswith(prefixes):
                    return name
    return 'other'


def millis(duration):
    """JFR's JSON durations look like 'PT0.001234S'."""
    m = re.fullmatch(r'PT(?:(\d+)M)?([\d.]+)S', duration)
    return (int(m.group(1) or 0) * 60 + float(m.group(2))) * 1000 if m else 0.0


def summarise(recording):
    samples = [e['values']['stackTrace']['frames'] for e in events(recording, 'jdk.ExecutionSample')
               if e['values'].get('stackTrace')]
    shares = Counter(component(frames) for frames in samples)
    load = events(recording, 'jdk.CPULoad')
    user = sum(e['values']['jvmUser'] for e in load) / max(1, len(load))
    system = sum(e['values']['jvmSystem'] for e in load) / max(1, len(load))
    pauses = [millis(e['values']['sumOfPauses']) for e in events(recording, 'jdk.GarbageCollection')]
    return len(samples), shares, user, system, pauses


def main():
    recordings = [Path(p) for p in sys.argv[1:]]
    if not recordings:
        sys.exit(__doc__)
    results = {r.stem: summarise(r) for r in recordings}
    names = [name for name, _ in COMPONENTS] + ['other']
    print('| share of Java CPU samples | ' + ' | '.join(results) + ' |')
    print('| --- |' + ' --- |' * len(results))
    for name in names:
        cells = [f"{100 * shares[name] / max(1, count):.0f}%" for count, shares, *_ in results.values()]
        print(f"| {name} | " + ' | '.join(cells) + ' |')
    print('| samples | ' + ' | '.join(str(count) for count, *_ in results.values()) + ' |')
    print('| JVM CPU, user / system (share of the 2 cores) | '
          + ' | '.join(f"{100 * user:.0f}% / {100 * system:.0f}%" for _, _, user, system, _ in results.values()) + ' |')
    print('| GC pauses: count, total, longest | '
          + ' | '.join(f"{len(p)}, {sum(p):.0f} ms, {max(p, default=0):.1f} ms" for *_, p in results.values()) + ' |')


if __name__ == '__main__':
    main()

#!/usr/bin/env bash
# Side-by-side benchmark on this machine: Catena static chains of 1, 3 and 5 nodes (fsync on) and a 3-member
# etcd (Debian's etcd-server, v3 JSON gateway, fsync on as always), driven by the same client: wrk with Lua
# scripts (bench/put.lua, bench/get.lua, bench/etcd.lua), 100-byte values over 10 000 keys, 1, 16 and 64 connections, RUNS runs of DURATION seconds each,
# medians reported. Writes a TSV of every run and of the medians, a Markdown table, and an SVG chart.
#
#   bench/compare.sh [--duration 10] [--runs 3] [--out target/compare] [--chains "1 3 5"] [--no-etcd] [--no-redis]
#                    [--jfr DIR]     (profile every node during the PUT runs at 64 connections: DIR/profile.md)
#   bench/compare.sh --rate R [--duration 15] [--runs 3] [--out target/compare-rate] [--chains "1 3 5"]
#                    (only Catena, only PUTs in open loop at R writes/s over 64 connections with ./catena bench:
#                     CPU per write per node at equal load, which closed-loop runs cannot show, since a longer
#                     chain runs at a lower rate there and amortises each node's fixed costs over fewer writes)
#
# Redis (a primary and two replicas, SET + WAIT 2 0, appendfsync always) is driven by bench/RedisSetWait.java,
# since wrk speaks HTTP only. Also writes, per node, GC pauses and Vert.x blocked-thread warnings (jvm.tsv).
#
# Needs: java 17, wrk, curl, python3, built jars (./catena build), etcd (apt-get install etcd-server) unless
# --no-etcd, redis-server and redis-cli (apt-get install redis-server) unless --no-redis. It binds 127.0.0.1
# ports 7201-7205, 7301-7305, 2379/2380, 22379/22380, 32379/32380 and 26379-26381, starts only its own
# processes and ends only those, by PID.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=10
RUNS=3
OUT="$ROOT/target/compare"
CHAINS="1 3 5"
ETCD=1
REDIS=1
JFR_DIR=""
RATE=""
while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --chains) CHAINS="$2"; shift 2 ;;
    --no-etcd) ETCD=0; shift ;;
    --no-redis) REDIS=0; shift ;;
    --jfr) JFR_DIR="$2"; shift 2 ;;
    --rate) RATE="$2"; ETCD=0; REDIS=0; shift 2 ;;
    *) echo "compare.sh: unknown option $1 (see the header of bench/compare.sh)" >&2; exit 2 ;;
  esac
done

NODE_JAR="$ROOT/chain-node/target/catena-node.jar"
[[ -f "$NODE_JAR" ]] || { echo "compare.sh: $NODE_JAR missing: run ./catena build first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "compare.sh: wrk is needed (apt-get install wrk)" >&2; exit 2; }
if ((REDIS)) && ! command -v redis-server >/dev/null; then
  echo "compare.sh: redis-server is needed (apt-get install redis-server), or pass --no-redis" >&2; exit 2
fi
if ((ETCD)) && ! command -v etcd >/dev/null; then
  echo "compare.sh: etcd is needed (apt-get install etcd-server), or pass --no-etcd" >&2; exit 2
fi

mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/catena-compare.XXXXXX)"
RUNS_TSV="$OUT/runs.tsv"
MEDIANS_TSV="$OUT/medians.tsv"
printf 'system\tconfig\top\tconnections\trun\tops_per_s\tp50_ms\tp99_ms\terrors\n' >"$RUNS_TSV"
printf 'system\tconfig\top\tconnections\tops_per_s\tp50_ms\tp99_ms\tcpu_ms_per_1000_writes_per_node\n' \
  >"$MEDIANS_TSV"
JVM_TSV="$OUT/jvm.tsv"
printf 'config\tnode\tgc_pauses\tpause_total_ms\tpause_max_ms\tblocked_thread_warnings\n' >"$JVM_TSV"
PIDS=()

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

wait_for() { # url [method]
  local deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null -X "${2:-GET}" --max-time 1 "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "compare.sh: $1 did not come up" >&2; exit 1; }
    sleep 0.2
  done
}

# CPU time (utime + stime, in clock ticks) of a process.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wrk once; prints "ops p50_ms p99_ms errors".
wrk_once() { # url script connections [args...]
  local url=$1 script=$2 conns=$3; shift 3
  local threads=$((conns < 2 ? 1 : 2))
  local text
  text=$(wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s "$script" "$url" "$@" 2>&1)
  python3 - "$text" <<'PY'
import re, sys
text = sys.argv[1]
def ms(label):
    m = re.search(r'^\s*' + label + r'\s+([\d.]+)(us|ms|s)\s*$', text, re.M)
    if not m:
        return float('nan')
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == 'us' else v * 1000 if unit == 's' else v
rps = re.search(r'Requests/sec:\s+([\d.]+)', text)
errors = sum(int(n) for n in re.findall(r'Non-2xx or 3xx responses:\s+(\d+)', text))
sock = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', text)
if sock:
    errors += sum(int(x) for x in sock.groups())
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms('50%'):.3f} {ms('99%'):.3f} {errors}")
PY
}

CLIENT_JAR="$ROOT/chain-client/target/catena-client.jar"

# ./catena bench once, writes only, open loop at a fixed rate; prints "ops p50_ms p99_ms errors".
bench_rate_once() { # host:port rate connections
  local json="$WORK/bench-rate.json"
  java -jar "$CLIENT_JAR" bench --node "$1" --rate "$2" --connections "$3" --read-ratio 0 --keys 10000 \
    --value-bytes 100 --duration "${DURATION}s" --warmup 0s --json "$json" >/dev/null 2>&1
  python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
w = r['latencyMs']['writes']
print(f"{r['opsPerSec']:.0f} {w.get('p50', float('nan')):.3f} {w.get('p99', float('nan')):.3f} {r['errors']}")
PY
}

# RUNS runs of one driver (a function printing "ops p50_ms p99_ms errors"); records each and the median (by ops/s)
# run; CPU per 1000 writes per node if pids are given.
measure() { # system config op connections "pids" driver [driver args...]
  local system=$1 config=$2 op=$3 conns=$4 pids=$5; shift 5
  local run line results=() before=0 after=0 pid
  for pid in $pids; do before=$((before + $(cpu_ticks "$pid"))); done
  local total_ops=0
  for ((run = 1; run <= RUNS; run++)); do
    line=$("$@")
    read -r ops p50 p99 errors <<<"$line"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$config" "$op" "$conns" "$run" "$ops" "$p50" "$p99" \
      "$errors" >>"$RUNS_TSV"
    results+=("$ops $p50 $p99")
    total_ops=$((total_ops + ops * DURATION))
    echo "  $system $config $op c=$conns run $run: $ops ops/s p50 ${p50} ms p99 ${p99} ms errors $errors" >&2
  done
  for pid in $pids; do after=$((after + $(cpu_ticks "$pid"))); done
  local nodes cpu="-"
  nodes=$(wc -w <<<"$pids")
  if [[ "$op" == put* && $nodes -gt 0 && $total_ops -gt 0 ]]; then
    local hz
    hz=$(getconf CLK_TCK)
    cpu=$(python3 -c "print(f'{($after - $before) * 1000 / $hz / $nodes / ($total_ops / 1000):.1f}')")
  fi
  local median
  median=$(printf '%s\n' "${results[@]}" | sort -n -k1,1 | sed -n "$(((RUNS + 1) / 2))p")
  read -r ops p50 p99 <<<"$median"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$system" "$config" "$op" "$conns" "$ops" "$p50" "$p99" "$cpu" \
    >>"$MEDIANS_TSV"
}

run_catena() { # chain length
  local n=$1 i ids="" props="$WORK/chain-$1.properties"
  for ((i = 1; i <= n; i++)); do ids+="${ids:+,}n$i"; done
  {
    echo "epoch=1"; echo "chain=$ids"; echo "syncPolicy=sync"
    for ((i = 1; i <= n; i++)); do
      echo "node.n$i.http=127.0.0.1:$((7200 + i))"; echo "node.n$i.replication=127.0.0.1:$((7300 + i))"
    done
  } >"$props"
  local pids=""
  for ((i = 1; i <= n; i++)); do
    java -Xmx256m -Xlog:gc:file="$WORK/catena-$n-n$i-gc.log" --add-opens java.base/java.nio=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
      -jar "$NODE_JAR" --config "$props" --id "n$i" --dataDir "$WORK/catena-$n/n$i" \
      >"$WORK/catena-$n-n$i.log" 2>&1 &
    PIDS+=($!)
    pids+=" $!"
  done
  for ((i = 1; i <= n; i++)); do wait_for "http://127.0.0.1:$((7200 + i))/health"; done
  local head="http://127.0.0.1:7201" tail="http://127.0.0.1:$((7200 + n))"
  echo "catena, chain of $n (pids$pids)" >&2
  if [[ -n "$RATE" ]]; then
    DURATION=5 bench_rate_once "127.0.0.1:7201" "$RATE" 64 >/dev/null # warms the nodes' JIT up, not measured
    measure catena "chain-$n" "put@${RATE}/s" 64 "$pids" bench_rate_once "127.0.0.1:7201" "$RATE" 64
    stop_all
    return
  fi
  for conns in 1 16 64; do
    [[ -z "$JFR_DIR" || $conns != 64 ]] || jfr_each start "$pids"
    measure catena "chain-$n" put "$conns" "$pids" wrk_once "$head" "$ROOT/bench/put.lua" "$conns"
  done
  [[ -z "$JFR_DIR" ]] || jfr_each "dump chain-$n" "$pids"
  measure catena "chain-$n" get 64 "" wrk_once "$tail" "$ROOT/bench/get.lua" 64
  stop_all
  for ((i = 1; i <= n; i++)); do jvm_report "chain-$n" "n$i" "$WORK/catena-$n-n$i-gc.log" "$WORK/catena-$n-n$i.log"; done
}

# With --jfr DIR: JFR (bench/sampling.jfc) on every node during the PUT runs at 64 connections, dumped to
# DIR/chain-N-nI.jfr and summarised by bench/jfr_report.py into DIR/profile.md.
jfr_each() { # "start" | "dump CONFIG", "pids"
  local action=$1 pid i=0
  mkdir -p "$JFR_DIR"
  for pid in $2; do
    i=$((i + 1))
    if [[ "$action" == start ]]; then
      jcmd "$pid" JFR.start name=bench settings="$ROOT/bench/sampling.jfc" >/dev/null
    else
      jcmd "$pid" JFR.dump name=bench filename="$JFR_DIR/${action#dump }-n$i.jfr" >/dev/null
    fi
  done
}

# GC pauses (from -Xlog:gc) and Vert.x blocked-thread warnings of one node over all its runs.
jvm_report() { # config node gc_log node_log
  local blocked
  blocked=$(grep -c "has been blocked for" "$4" || true)
  python3 - "$1" "$2" "$3" "$blocked" >>"$JVM_TSV" <<'PY'
import re, sys
config, node, gc_log, blocked = sys.argv[1:]
pauses = [float(m) for m in re.findall(r'Pause.* ([\d.]+)ms$', open(gc_log).read(), re.M)]
total, longest = sum(pauses), max(pauses, default=0.0)
print(f"{config}\t{node}\t{len(pauses)}\t{total:.1f}\t{longest:.1f}\t{blocked}")
PY
}

run_etcd() {
  local cluster="e1=http://127.0.0.1:2380,e2=http://127.0.0.1:22380,e3=http://127.0.0.1:32380" name port pids=""
  for name in e1 e2 e3; do
    case $name in e1) port=2379 ;; e2) port=22379 ;; e3) port=32379 ;; esac
    etcd --name "$name" --data-dir "$WORK/etcd-$name" \
      --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
      --listen-peer-urls "http://127.0.0.1:$((port + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((port + 1))" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token catena-compare \
      >"$WORK/etcd-$name.log" 2>&1 &
    PIDS+=($!)
    pids+=" $!"
  done
  for port in 2379 22379 32379; do wait_for "http://127.0.0.1:$port/health"; done
  # the load goes to the leader, as etcd's own benchmarks do
  local leader="" status
  for port in 2379 22379 32379; do
    status=$(curl -fsS -X POST "http://127.0.0.1:$port/v3/maintenance/status" -d '{}')
    if python3 -c "import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if s['header']['member_id']==s['leader'] else 1)" "$status"; then
      leader="http://127.0.0.1:$port"
    fi
  done
  [[ -n "$leader" ]] || { echo "compare.sh: no etcd leader found" >&2; exit 1; }
  echo "etcd, 3 members, leader $leader (pids$pids)" >&2
  for conns in 1 16 64; do
    measure etcd "3-members" put "$conns" "$pids" wrk_once "$leader" "$ROOT/bench/etcd.lua" "$conns" -- put
  done
  measure etcd "3-members" get 64 "" wrk_once "$leader" "$ROOT/bench/etcd.lua" 64 -- range
  stop_all
}

# Redis 7: a primary and two replicas, appendonly with appendfsync always on all three; each write is SET then
# WAIT 2 0 (acknowledged once both replicas have it), driven by bench/RedisSetWait.java in wrk's place.
redis_once() { # port connections
  java "$ROOT/bench/RedisSetWait.java" 127.0.0.1 "$1" "$2" "$DURATION" 2
}

run_redis() {
  local port pids=""
  for port in 26379 26380 26381; do
    mkdir -p "$WORK/redis-$port"
    local replica=()
    ((port == 26379)) || replica=(--replicaof 127.0.0.1 26379)
    redis-server --port "$port" --bind 127.0.0.1 --dir "$WORK/redis-$port" --save '' --appendonly yes \
      --appendfsync always --daemonize no "${replica[@]}" >"$WORK/redis-$port.log" 2>&1 &
    PIDS+=($!)
    pids+=" $!"
  done
  local deadline=$((SECONDS + 60))
  until [[ "$(redis-cli -p 26379 info replication 2>/dev/null | tr -d '\r' | grep -c 'state=online')" == 2 ]]; do
    ((SECONDS < deadline)) || { echo "compare.sh: Redis replicas did not come online" >&2; exit 1; }
    sleep 0.2
  done
  echo "redis, primary + 2 replicas (pids$pids)" >&2
  for conns in 1 16 64; do
    measure redis "primary+2" put "$conns" "$pids" redis_once 26379 "$conns"
  done
  stop_all
}

for n in $CHAINS; do run_catena "$n"; done
if ((ETCD)); then run_etcd; fi
if ((REDIS)); then run_redis; fi
python3 "$ROOT/bench/report.py" "$MEDIANS_TSV" "$OUT"
if [[ -n "$JFR_DIR" ]]; then
  python3 "$ROOT/bench/jfr_report.py" "$JFR_DIR"/*.jfr >"$JFR_DIR/profile.md"
  echo "compare.sh: JFR recordings and their summary in $JFR_DIR/profile.md" >&2
fi
echo "compare.sh: runs in $RUNS_TSV, medians in $MEDIANS_TSV, table in $OUT/table.md, chart in $OUT/chart.svg" >&2

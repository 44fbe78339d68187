/**
 * Compares V8 heap snapshots (.heapsnapshot, as written by `node --heapsnapshot-signal=SIGUSR2` or
 * `v8.writeHeapSnapshot`) without a browser: per class (constructor name for objects, the node type for
 * strings, arrays, closures, code…) the count and self size in each snapshot, and the difference between the
 * first and the last, largest growth first. For the classes that grow most it prints, for a few of their
 * instances in the last snapshot, the retainer chain up to a GC root (edge names), so a growing Map or array
 * is named by who holds it. `--retained` also computes retained sizes (dominator tree) of the top holders.
 *
 *   node --max-old-space-size=8000 --import tsx bench/heapsnapshot-diff.ts a.heapsnapshot b.heapsnapshot [c…]
 *        [--top 40] [--paths 8] [--retained]
 *
 * The file is scanned as bytes (a snapshot's JSON can exceed V8's longest string), only the `strings` section
 * goes through JSON.parse.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opts, positionals: files } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '40' }, paths: { type: 'string', default: '6' }, retained: { type: 'boolean', default: false } },
});

interface Snapshot {
  file: string;
  nodeFields: string[];
  nodeTypes: string[];
  edgeFields: string[];
  edgeTypes: string[];
  nodes: Float64Array;
  edges: Float64Array;
  strings: string[];
  nodeCount: number;
  firstEdge: Uint32Array;
}

function numbers(buf: Buffer, from: number, count: number): { out: Float64Array; end: number } {
  const out = new Float64Array(count);
  let i = from;
  let n = 0;
  let v = 0;
  let inNum = false;
  for (; n < count; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      inNum = true;
    } else {
      if (inNum) {
        out[n++] = v;
        v = 0;
        inNum = false;
      }
      if (c === 93) break; // ]
    }
  }
  return { out, end: i };
}

function load(file: string): Snapshot {
  const buf = readFileSync(file);
  const nodesAt = buf.indexOf('"nodes":[');
  const header = JSON.parse(`${buf.subarray(0, nodesAt).toString('utf8').replace(/,\s*$/, '')}}`) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] }; node_count: number; edge_count: number };
  };
  const meta = header.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nodes = numbers(buf, nodesAt + 9, header.snapshot.node_count * nf);
  const edgesAt = buf.indexOf('"edges":[', nodes.end);
  const edges = numbers(buf, edgesAt + 9, header.snapshot.edge_count * ef);
  const stringsAt = buf.indexOf('"strings":[', edges.end);
  const end = buf.lastIndexOf(']');
  const strings = JSON.parse(buf.subarray(stringsAt + 10, end + 1).toString('utf8')) as string[];
  const nodeCount = header.snapshot.node_count;
  const firstEdge = new Uint32Array(nodeCount + 1);
  const ecI = meta.node_fields.indexOf('edge_count');
  for (let i = 0, e = 0; i < nodeCount; i++) {
    firstEdge[i] = e;
    e += nodes.out[i * nf + ecI]! * ef;
    firstEdge[i + 1] = e;
  }
  return {
    file,
    nodeFields: meta.node_fields,
    nodeTypes: meta.node_types[0],
    edgeFields: meta.edge_fields,
    edgeTypes: meta.edge_types[0],
    nodes: nodes.out,
    edges: edges.out,
    strings,
    nodeCount,
    firstEdge,
  };
}

/** DevTools-like class name of node `i`. */
function className(s: Snapshot, i: number): string {
  const nf = s.nodeFields.length;
  const type = s.nodeTypes[s.nodes[i * nf]!]!;
  const name = s.strings[s.nodes[i * nf + 1]!]!;
  if (type === 'object' || type === 'native') return name;
  if (type === 'closure') return '(closure)';
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)';
  if (type === 'array') return `(array ${name})`;
  if (type === 'hidden' || type === 'object shape' || type === 'code') return `(${type} ${name.slice(0, 40)})`;
  return `(${type})`;
}

function aggregate(s: Snapshot): Map<string, { count: number; self: number }> {
  const nf = s.nodeFields.length;
  const selfI = s.nodeFields.indexOf('self_size');
  const out = new Map<string, { count: number; self: number }>();
  for (let i = 0; i < s.nodeCount; i++) {
    const k = className(s, i);
    const a = out.get(k) ?? { count: 0, self: 0 };
    a.count++;
    a.self += s.nodes[i * nf + selfI]!;
    out.set(k, a);
  }
  return out;
}

/** Reverse edges (retainers), skipping weak ones. */
function retainers(s: Snapshot): { first: Uint32Array; from: Uint32Array; edge: Uint32Array } {
  const ef = s.edgeFields.length;
  const nf = s.nodeFields.length;
  const toI = s.edgeFields.indexOf('to_node');
  const typeI = s.edgeFields.indexOf('type');
  const weak = s.edgeTypes.indexOf('weak');
  const count = new Uint32Array(s.nodeCount + 1);
  for (let i = 0; i < s.nodeCount; i++)
    for (let e = s.firstEdge[i]!; e < s.firstEdge[i + 1]!; e += ef) if (s.edges[e + typeI] !== weak) count[s.edges[e + toI]! / nf]!++;
  const first = new Uint32Array(s.nodeCount + 1);
  for (let i = 0; i < s.nodeCount; i++) first[i + 1] = first[i]! + count[i]!;
  const fill = first.slice();
  const from = new Uint32Array(first[s.nodeCount]!);
  const edge = new Uint32Array(first[s.nodeCount]!);
  for (let i = 0; i < s.nodeCount; i++)
    for (let e = s.firstEdge[i]!; e < s.firstEdge[i + 1]!; e += ef) {
      if (s.edges[e + typeI] === weak) continue;
      const t = s.edges[e + toI]! / nf;
      from[fill[t]!] = i;
      edge[fill[t]!++] = e;
    }
  return { first, from, edge };
}

function edgeName(s: Snapshot, e: number): string {
  const type = s.edgeTypes[s.edges[e]!]!;
  const n = s.edges[e + 1]!;
  if (type === 'element' || type === 'hidden') return `[${n}]`;
  return type === 'internal' ? `<${s.strings[n]}>` : `.${s.strings[n]}`;
}

/** Shortest retainer chain from the snapshot's root to `target`: a breadth-first search over retainers. */
function pathOf(s: Snapshot, r: ReturnType<typeof retainers>, target: number, maxDepth = 40): string {
  // node → [the node it retains on the way to target, the edge]
  const toward = new Map<number, [number, number]>([[target, [-1, -1]]]);
  let frontier = [target];
  for (let d = 0; d < maxDepth && frontier.length; d++) {
    const next: number[] = [];
    for (const n of frontier)
      for (let k = r.first[n]!; k < r.first[n + 1]!; k++) {
        const p = r.from[k]!;
        if (toward.has(p)) continue;
        toward.set(p, [n, r.edge[k]!]);
        if (p === 0) {
          const out: string[] = [];
          for (let x = 0; x !== target; ) {
            const [c, e] = toward.get(x)!;
            const cls = className(s, c);
            // skip the synthetic roots' names, keep the user-visible chain
            if (!cls.startsWith('(synthetic')) out.push(`${edgeName(s, e)}→${cls}`);
            x = c;
          }
          return out.join(' ');
        }
        next.push(p);
      }
    frontier = next;
  }
  return '(no path to the root within depth)';
}

/** Retained sizes (Cooper–Harvey–Kennedy iterative dominators over a post-order from the root). */
function retainedSizes(s: Snapshot, r: ReturnType<typeof retainers>): Float64Array {
  const nf = s.nodeFields.length;
  const ef = s.edgeFields.length;
  const toI = s.edgeFields.indexOf('to_node');
  const typeI = s.edgeFields.indexOf('type');
  const weak = s.edgeTypes.indexOf('weak');
  const selfI = s.nodeFields.indexOf('self_size');
  const N = s.nodeCount;
  const order = new Int32Array(N).fill(-1); // post-order number
  const byOrder = new Int32Array(N);
  const stack = new Int32Array(N);
  const edgeAt = new Uint32Array(N);
  let sp = 0;
  let counter = 0;
  const visited = new Uint8Array(N);
  stack[sp++] = 0;
  visited[0] = 1;
  edgeAt[0] = s.firstEdge[0]!;
  while (sp) {
    const n = stack[sp - 1]!;
    if (edgeAt[n]! < s.firstEdge[n + 1]!) {
      const e = edgeAt[n]!;
      edgeAt[n] = e + ef;
      if (s.edges[e + typeI] === weak) continue;
      const t = s.edges[e + toI]! / nf;
      if (visited[t]) continue;
      visited[t] = 1;
      edgeAt[t] = s.firstEdge[t]!;
      stack[sp++] = t;
    } else {
      sp--;
      order[n] = counter;
      byOrder[counter++] = n;
    }
  }
  const idom = new Int32Array(N).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = counter - 2; k >= 0; k--) {
      const n = byOrder[k]!;
      let d = -1;
      for (let j = r.first[n]!; j < r.first[n + 1]!; j++) {
        const p = r.from[j]!;
        if (order[p] === -1 || idom[p] === -1) continue;
        d = d === -1 ? p : intersect(p, d);
      }
      if (d !== -1 && idom[n] !== d) {
        idom[n] = d;
        changed = true;
      }
    }
  }
  const ret = new Float64Array(N);
  for (let i = 0; i < N; i++) ret[i] = s.nodes[i * nf + selfI]!;
  for (let k = 0; k < counter - 1; k++) {
    const n = byOrder[k]!;
    const d = idom[n]!;
    if (d >= 0 && d !== n) ret[d] = ret[d]! + ret[n]!;
  }
  return ret;
}

const TOP = Number(opts.top);
const snaps = files.map((f) => {
  const t = Date.now();
  const s = load(f);
  console.error(`${f}: ${s.nodeCount} nodes, ${s.edges.length / s.edgeFields.length} edges (${Date.now() - t} ms)`);
  return s;
});
const aggs = snaps.map(aggregate);
const total = (a: Map<string, { self: number }>) => [...a.values()].reduce((n, v) => n + v.self, 0);
console.log(`total self size: ${aggs.map((a) => `${(total(a) / 2 ** 20).toFixed(1)} MiB`).join(' → ')}`);
const firstA = aggs[0]!;
const lastA = aggs.at(-1)!;
const keys = new Set([...firstA.keys(), ...lastA.keys()]);
const rows = [...keys].map((k) => ({ k, per: aggs.map((a) => a.get(k) ?? { count: 0, self: 0 }) }));
rows.sort((a, b) => b.per.at(-1)!.self - b.per[0]!.self - (a.per.at(-1)!.self - a.per[0]!.self));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)}`;
console.log(`\nlargest growth of self size, first → last snapshot (count; MiB):`);
for (const r of rows.slice(0, TOP))
  console.log(
    `${(mib(r.per.at(-1)!.self - r.per[0]!.self) + ' MiB').padStart(11)}  ${(r.per.at(-1)!.count - r.per[0]!.count).toString().padStart(9)}  ${r.k.slice(0, 60).padEnd(60)}  ${r.per.map((p) => `${p.count}/${mib(p.self)}`).join(' → ')}`,
  );
console.log(`\nlargest classes in the last snapshot (count; MiB self):`);
for (const [k, v] of [...lastA].sort((a, b) => b[1].self - a[1].self).slice(0, 20)) console.log(`${mib(v.self).padStart(9)}  ${String(v.count).padStart(9)}  ${k.slice(0, 80)}`);

const last = snaps.at(-1)!;
const r = retainers(last);
const PATHS = Number(opts.paths);
console.log(`\nretainer chains in ${last.file} for the top growing classes (sampled instances):`);
for (const row of rows.slice(0, 8)) {
  const ids: number[] = [];
  for (let i = 0; i < last.nodeCount; i++) if (className(last, i) === row.k) ids.push(i);
  const chains = new Map<string, number>();
  const step = Math.max(1, Math.floor(ids.length / PATHS));
  for (let j = ids.length - 1; j >= 0 && chains.size < PATHS * 2; j -= step) {
    const p = pathOf(last, r, ids[j]!).replace(/\[\d+\]/g, '[n]');
    chains.set(p, (chains.get(p) ?? 0) + 1);
  }
  console.log(`- ${row.k.slice(0, 80)}`);
  for (const [p, n] of chains) console.log(`    ${n}× ${p.slice(0, 600)}`);
}

if (opts.retained) {
  const ret = retainedSizes(last, r);
  const nf = last.nodeFields.length;
  const idI = last.nodeFields.indexOf('id');
  const ecI = last.nodeFields.indexOf('edge_count');
  const best = [...ret.keys()].filter((i) => ret[i]! > 1 << 20 && className(last, i) !== '(synthetic)').sort((a, b) => ret[b]! - ret[a]!);
  console.log(`\nlargest retained sizes in ${last.file} (objects retaining > 1 MiB, outermost 40):`);
  for (const i of best.slice(0, 40)) console.log(`${mib(ret[i]!).padStart(9)} MiB  @${last.nodes[i * nf + idI]}  ${className(last, i).slice(0, 60)} (${last.nodes[i * nf + ecI]} edges)  ${pathOf(last, r, i).slice(0, 300)}`);
}

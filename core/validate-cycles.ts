/**
 * Dependencies must be acyclic: apps along `depends.apps` and `conditional_links.apps` (the original
 * rejected cycles through conditional links too), libs along `depends.libs`. Each elementary cycle is
 * reported once, at its first spec in sorted order, on the list item that leads to the next spec.
 */
import type { Diagnostic, KeyPath } from "./diagnostics.ts";
import type { LoadedSpecs } from "./load.ts";
import { diagnosticAt } from "./load-positions.ts";

/** An edge of the dependency graph and the list item of the spec that declares it. */
export interface DependencyEdge {
  to: string;
  path: KeyPath;
}

/** The graph: every spec's outgoing edges, to specs that exist only. */
export type DependencyGraph = ReadonlyMap<string, readonly DependencyEdge[]>;

// Enumerating cycles is exponential on dense graphs; a hostile repo must not hang the loader.
const MAX_SEARCH_STEPS = 100_000;
const MAX_CYCLES = 50;

/** An error for every dependency cycle among apps and among libs. */
export function checkCycles(loaded: LoadedSpecs): Diagnostic[] {
  const apps = buildGraph(
    Object.entries(loaded.specs.apps).map(([name, app]) => [
      name,
      [
        ...app.depends.apps.map((to, i) => ({ to, path: ["depends", "apps", i] })),
        ...app.conditional_links.apps.map((to, i) => ({ to, path: ["conditional_links", "apps", i] })),
      ],
    ]),
  );
  const libs = buildGraph(
    Object.entries(loaded.specs.libs).map(([name, lib]) => [name, lib.depends.libs.map((to, i) => ({ to, path: ["depends", "libs", i] }))]),
  );
  const out: Diagnostic[] = [];
  for (const [kind, graph] of [["apps", apps], ["libs", libs]] as const) {
    for (const cycle of findCycles(graph)) {
      const source = loaded.sources[`${kind}/${cycle[0]}`];
      const edge = graph.get(cycle[0]!)?.find((e) => e.to === cycle[1]);
      if (source && edge) out.push(diagnosticAt(source, edge.path, `dependency cycle: ${cycle.join(" -> ")}`));
    }
  }
  return out;
}

// Keeps the first edge to each existing target: a missing spec is the reference check's business.
function buildGraph(entries: [string, DependencyEdge[]][]): DependencyGraph {
  const names = new Set(entries.map(([name]) => name));
  return new Map(
    entries.map(([name, edges]) => [name, edges.filter((e, i) => names.has(e.to) && edges.findIndex((f) => f.to === e.to) === i)]),
  );
}

/** Every elementary cycle, each once, as names from its smallest node back to it: ["a", "b", "a"]. */
export function findCycles(graph: DependencyGraph): string[][] {
  const component = labelComponents(graph);
  const cycles: string[][] = [];
  let steps = 0;
  // A cycle is found from its smallest node only, walking through larger nodes: so never twice.
  // Edges leaving the start's strongly connected component can never lead back, so they are skipped,
  // which keeps an acyclic repo with many paths (diamonds on diamonds) from being walked path by path.
  const walk = (start: string, path: string[], onPath: Set<string>) => {
    for (const { to } of graph.get(path.at(-1)!) ?? []) {
      if (++steps > MAX_SEARCH_STEPS || cycles.length >= MAX_CYCLES) return;
      if (to === start) cycles.push([...path, start]);
      else if (to > start && !onPath.has(to) && component.get(to) === component.get(start)) {
        onPath.add(to);
        walk(start, [...path, to], onPath);
        onPath.delete(to);
      }
    }
  };
  for (const start of [...graph.keys()].sort()) walk(start, [start], new Set([start]));
  return cycles;
}

// Tarjan's algorithm: the same number for nodes that can reach each other.
function labelComponents(graph: DependencyGraph): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  let counter = 0;
  const connect = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const { to } of graph.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (!component.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    let member: string | undefined;
    do {
      member = stack.pop()!;
      component.set(member, index.get(node)!);
    } while (member !== node);
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return component;
}

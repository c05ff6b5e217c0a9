import { expect, test } from "bun:test";
import { findCycles, type DependencyGraph } from "./validate-cycles.ts";

function graph(edges: Record<string, string[]>): DependencyGraph {
  return new Map(Object.entries(edges).map(([name, tos]) => [name, tos.map((to, i) => ({ to, path: ["depends", "apps", i] }))]));
}

test("findCycles() names each cycle once, from its first name in sorted order", () => {
  expect(findCycles(graph({ c: ["a"], a: ["b"], b: ["c"] }))).toEqual([["a", "b", "c", "a"]]);
});

test("findCycles() finds self-dependencies and every cycle through a shared node", () => {
  expect(findCycles(graph({ d: ["d"] }))).toEqual([["d", "d"]]);
  expect(findCycles(graph({ e: ["f", "g"], f: ["e"], g: ["e"] }))).toEqual([
    ["e", "f", "e"],
    ["e", "g", "e"],
  ]);
});

test("findCycles() allows diamonds and chains", () => {
  expect(findCycles(graph({ h: ["i", "j"], i: ["k"], j: ["k"], k: [] }))).toEqual([]);
});

test("findCycles() walks a deep acyclic lattice without enumerating its paths", () => {
  // 2^30 paths from top to bottom and no cycle among them: only the small cycle after it counts.
  const edges: Record<string, string[]> = { z1: ["z2"], z2: ["z1"] };
  for (let i = 0; i < 30; i++) edges[`l${i}a`] = edges[`l${i}b`] = [`l${i + 1}a`, `l${i + 1}b`];
  expect(findCycles(graph(edges))).toEqual([["z1", "z2", "z1"]]);
});

test("findCycles() stops on a dense graph instead of enumerating every cycle", () => {
  const names = Array.from({ length: 14 }, (_, i) => `n${String(i).padStart(2, "0")}`);
  const cycles = findCycles(graph(Object.fromEntries(names.map((n) => [n, names]))));
  expect(cycles.length).toBeGreaterThan(0);
  expect(cycles.length).toBeLessThanOrEqual(50);
});

/**
 * Teardown as a pure plan: which recorded resources to delete, in which order. No I/O here so the
 * ordering rules are unit-testable without any service.
 *
 * Order: later steps first (step order from steps/index.ts), within a step newest first, and a
 * resource is never deleted before the resources that declare they depend on it (deleteBefore, e.g. a
 * Lambda function before the IAM role it runs as).
 */
import { LabError } from './errors.js';
import type { ResourceRef } from './resource-types.js';
import type { ResourceRecord } from './state-types.js';

export function resourceKey(r: ResourceRef): string {
  return `${r.type}/${r.id}`;
}

/**
 * A record's delete order, typed: the record goes before each of `refs`. Spread into the record's
 * `extra`; the state file keeps the `"<type>/<id>"` strings it always had, so older state files still plan.
 */
export function deleteBefore(...refs: ResourceRef[]): { dependsOn: string[] } {
  return { dependsOn: refs.map(resourceKey) };
}

export function dependsOn(r: ResourceRecord): string[] {
  const d = r.extra?.dependsOn;
  return Array.isArray(d) ? d.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * @param resources state records in creation order
 * @param stepOrder step ids in lab order; unknown steps sort after known ones (deleted first)
 */
export function planTeardown(resources: readonly ResourceRecord[], stepOrder: readonly string[]): ResourceRecord[] {
  const rank = (r: ResourceRecord): number => {
    const i = stepOrder.indexOf(r.step);
    return i < 0 ? stepOrder.length : i;
  };
  // Preferred order: step descending, then creation order descending.
  const preferred = resources
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(b.r) - rank(a.r) || b.i - a.i)
    .map((x) => x.r);

  const byKey = new Map(preferred.map((r) => [resourceKey(r), r]));
  // Resource X may go only after every recorded resource that depends on X has gone.
  const dependents = new Map<string, Set<string>>();
  for (const r of preferred) {
    for (const dep of dependsOn(r)) {
      if (!byKey.has(dep)) continue;
      if (!dependents.has(dep)) dependents.set(dep, new Set());
      dependents.get(dep)!.add(resourceKey(r));
    }
  }

  const done = new Set<string>();
  const plan: ResourceRecord[] = [];
  while (plan.length < preferred.length) {
    const next = preferred.find(
      (r) => !done.has(resourceKey(r)) && [...(dependents.get(resourceKey(r)) ?? [])].every((k) => done.has(k)),
    );
    if (!next) {
      const left = preferred.filter((r) => !done.has(resourceKey(r))).map(resourceKey);
      throw new LabError(`The recorded resources depend on each other in a cycle: ${left.join(', ')}.`);
    }
    done.add(resourceKey(next));
    plan.push(next);
  }
  return plan;
}

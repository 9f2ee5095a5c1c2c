/**
 * Route matching over a deployment snapshot, built once per deployment (the data plane is on the
 * benchmark's hot path). Precedence follows API Gateway: a literal path part beats `{param}`,
 * which beats a greedy `{proxy+}`; within a resource the exact HTTP method beats `ANY`. If the
 * most specific resource lacks the method, less specific candidates are tried before giving up.
 */
import type { StoredMethod, StoredResource } from '../services/apigateway/model.js';

interface Node {
  resource?: StoredResource;
  literals: Map<string, Node>;
  param?: { name: string; node: Node };
  greedy?: { name: string; resource: StoredResource };
}

export interface RouteMatch {
  resource: StoredResource;
  method: StoredMethod;
  /** null when the resource path has no variables (the proxy event sends null, not {}). */
  pathParameters: Record<string, string> | null;
}

const newNode = (): Node => ({ literals: new Map() });

export class RouteIndex {
  private constructor(private readonly root: Node) {}

  static build(resources: StoredResource[]): RouteIndex {
    const root = newNode();
    for (const resource of resources) {
      let node = root;
      const parts = resource.path === '/' ? [] : resource.path.slice(1).split('/');
      parts.forEach((part, i) => {
        if (part.endsWith('+}')) {
          // Greedy parts cannot have children (CreateResource refuses), so this is the last part.
          if (i === parts.length - 1) node.greedy = { name: part.slice(1, -2), resource };
          return;
        }
        if (part.startsWith('{')) {
          node.param ??= { name: part.slice(1, -1), node: newNode() };
          node = node.param.node;
          return;
        }
        let next = node.literals.get(part);
        if (!next) node.literals.set(part, (next = newNode()));
        node = next;
      });
      if (!parts.at(-1)?.endsWith('+}')) node.resource = resource;
    }
    return new RouteIndex(root);
  }

  /** `segments` are the decoded path parts below the stage (`[]` for the root). */
  match(segments: string[], httpMethod: string): RouteMatch | undefined {
    let found: RouteMatch | undefined;
    const params: [string, string][] = [];
    const accept = (resource: StoredResource | undefined, extra?: [string, string]): boolean => {
      if (!resource) return false;
      const method = resource.resourceMethods[httpMethod] ?? resource.resourceMethods.ANY;
      if (!method) return false;
      const all = extra ? [...params, extra] : params;
      found = { resource, method, pathParameters: all.length ? Object.fromEntries(all) : null };
      return true;
    };
    const walk = (node: Node, i: number): boolean => {
      if (i === segments.length) return accept(node.resource);
      const seg = segments[i]!;
      const literal = node.literals.get(seg);
      if (literal && walk(literal, i + 1)) return true;
      if (node.param && seg !== '') {
        params.push([node.param.name, seg]);
        if (walk(node.param.node, i + 1)) return true;
        params.pop();
      }
      return node.greedy !== undefined && accept(node.greedy.resource, [node.greedy.name, segments.slice(i).join('/')]);
    };
    walk(this.root, 0);
    return found;
  }
}

/** `/users/a%20b/` → `['users', 'a b']`; the stage has already been removed. */
export function splitPath(path: string): string[] {
  let p = path.startsWith('/') ? path.slice(1) : path;
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '') return [];
  return p.split('/').map(safeDecode);
}

export function safeDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

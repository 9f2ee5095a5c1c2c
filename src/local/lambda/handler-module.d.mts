// Types for handler-module.mjs (plain JavaScript so function processes load it with bare `node`).

export interface HandlerLocation {
  malformed: boolean;
  modulePath?: string;
  /** The module file under the root (first of .js, .mjs, .cjs), when one exists. */
  file?: string;
  exportPath?: string[];
}

export function locateHandler(spec: string, root: string): HandlerLocation;

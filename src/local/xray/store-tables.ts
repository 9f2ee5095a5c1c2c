/**
 * The X-Ray store's SQLite tables and statements (layout and costs: SPEC.md, "Storage").
 * - xray_docs: the durable documents, one append-only row per trace and call.
 * - xray_snapshot: the whole compact index as a few large blocks (snapshot-codec.ts), rewritten now and
 *   then (and on close) in one transaction that also empties the journal below.
 * - xray_index: the journal since that snapshot: one compact record per trace changed (index-codec.ts),
 *   replaced whenever the trace changes; xray_dropped: the traces swept since. Opening loads the
 *   snapshot, then replays these: no document is parsed.
 * - xray_summaries: each trace's TraceSummary as JSON (summary.ts), written with its record, so a result
 *   page reads 100 rows instead of assembling 100 traces from their documents.
 * - xray_nodes: the node identities records refer to by id.
 * - xray_meta: the record format version; another version means the records are rebuilt from documents.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { INDEX_FORMAT } from './index-codec.js';
import type { NodeIdentity } from './trace-index.js';

export interface StoredNode {
  id: number;
  name: string;
  type: string | null;
  account: string | null;
  inferred: number;
}

export class TraceTables {
  readonly insertDocs: BetterSqlite3.Statement<[string, string]>;
  readonly selectDocs: BetterSqlite3.Statement<[string]>;
  readonly deleteDocs: BetterSqlite3.Statement<[string]>;
  readonly upsertRecord: BetterSqlite3.Statement<[string, Buffer]>;
  readonly deleteRecord: BetterSqlite3.Statement<[string]>;
  readonly insertDropped: BetterSqlite3.Statement<[string]>;
  readonly upsertSummary: BetterSqlite3.Statement<[string, string]>;
  readonly deleteSummary: BetterSqlite3.Statement<[string]>;
  /** `SELECT … WHERE trace_id IN (?, …)` per number of ids (a page has at most 100). */
  private readonly selectSummaries = new Map<number, BetterSqlite3.Statement<string[]>>();
  private readonly insertNode: BetterSqlite3.Statement<[number, string, string | null, string | null, number]>;
  /** True when the records are missing or of another format: the owner rebuilds them from the documents. */
  readonly recordsStale: boolean;

  constructor(private readonly db: BetterSqlite3.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS xray_docs (trace_id TEXT NOT NULL, docs TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS xray_docs_trace ON xray_docs (trace_id);
      CREATE TABLE IF NOT EXISTS xray_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
    migrateKeyedSegments(db);
    const format = (db.prepare("SELECT value FROM xray_meta WHERE key = 'index_format'").get() as { value: string } | undefined)?.value;
    this.recordsStale = format !== String(INDEX_FORMAT);
    if (this.recordsStale) {
      db.exec(`DROP TABLE IF EXISTS xray_index; DROP TABLE IF EXISTS xray_nodes; DROP TABLE IF EXISTS xray_summaries;
        DROP TABLE IF EXISTS xray_snapshot; DROP TABLE IF EXISTS xray_dropped;`);
    }
    db.exec(`
      CREATE TABLE IF NOT EXISTS xray_index (trace_id TEXT PRIMARY KEY, rec BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS xray_dropped (trace_id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS xray_snapshot (part INTEGER PRIMARY KEY, data BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS xray_summaries (trace_id TEXT PRIMARY KEY, summary TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS xray_nodes (id INTEGER PRIMARY KEY, name TEXT NOT NULL, type TEXT, account TEXT, inferred INTEGER NOT NULL);`);
    this.insertDocs = db.prepare('INSERT INTO xray_docs (trace_id, docs) VALUES (?, ?)');
    this.selectDocs = db.prepare('SELECT docs FROM xray_docs WHERE trace_id = ? ORDER BY rowid');
    this.deleteDocs = db.prepare('DELETE FROM xray_docs WHERE trace_id = ?');
    this.upsertRecord = db.prepare('INSERT OR REPLACE INTO xray_index (trace_id, rec) VALUES (?, ?)');
    this.deleteRecord = db.prepare('DELETE FROM xray_index WHERE trace_id = ?');
    this.insertDropped = db.prepare('INSERT OR IGNORE INTO xray_dropped (trace_id) VALUES (?)');
    this.upsertSummary = db.prepare('INSERT OR REPLACE INTO xray_summaries (trace_id, summary) VALUES (?, ?)');
    this.deleteSummary = db.prepare('DELETE FROM xray_summaries WHERE trace_id = ?');
    this.insertNode = db.prepare('INSERT INTO xray_nodes (id, name, type, account, inferred) VALUES (?, ?, ?, ?, ?)');
  }

  /** Records the format once every record has been (re)written in it. */
  markRecordsCurrent(): void {
    this.db.prepare("INSERT OR REPLACE INTO xray_meta (key, value) VALUES ('index_format', ?)").run(String(INDEX_FORMAT));
  }

  saveNodes(nodes: NodeIdentity[]): void {
    for (const n of nodes) this.insertNode.run(n.id, n.name, n.type ?? null, n.accountId ?? null, n.inferred ? 1 : 0);
    nodes.length = 0;
  }

  nodes(): StoredNode[] {
    return this.db.prepare('SELECT id, name, type, account, inferred FROM xray_nodes ORDER BY id').all() as StoredNode[];
  }

  /** The snapshot's parts in order (part 0: texts, then the blocks), one at a time; none before the first snapshot. */
  snapshotParts(): IterableIterator<[part: number, data: Buffer]> {
    return this.db.prepare('SELECT part, data FROM xray_snapshot ORDER BY part').raw(true).iterate() as IterableIterator<[number, Buffer]>;
  }

  /** Replaces the snapshot with `parts` and empties the journal, in one transaction. */
  writeSnapshot(parts: Iterable<Buffer>): void {
    const insert = this.db.prepare('INSERT INTO xray_snapshot (part, data) VALUES (?, ?)');
    this.db.transaction(() => {
      this.db.exec('DELETE FROM xray_snapshot; DELETE FROM xray_index; DELETE FROM xray_dropped;');
      let i = 0;
      for (const p of parts) insert.run(i++, p);
    })();
  }

  /** Rows in the journal (records and drops since the snapshot). */
  journalRows(): number {
    const n = (t: string) => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return n('xray_index') + n('xray_dropped');
  }

  /** Traces swept since the snapshot. */
  dropped(): string[] {
    return (this.db.prepare('SELECT trace_id FROM xray_dropped').raw(true).all() as [string][]).map((r) => r[0]);
  }

  /** Every journal record, in trace-id order (which is nearly start order: ids begin with their epoch second). */
  records(): IterableIterator<[traceId: string, rec: Buffer]> {
    // Raw rows (arrays, not objects): one object fewer per trace on the reopen path.
    return this.db.prepare('SELECT trace_id, rec FROM xray_index').raw(true).iterate() as IterableIterator<[string, Buffer]>;
  }

  /** The stored summaries of these traces (one statement), by trace id. */
  summaries(traceIds: readonly string[]): Map<string, string> {
    let stmt = this.selectSummaries.get(traceIds.length);
    if (!stmt) {
      const marks = traceIds.map(() => '?').join(', ');
      stmt = this.db.prepare(`SELECT trace_id, summary FROM xray_summaries WHERE trace_id IN (${marks})`).raw(true) as BetterSqlite3.Statement<string[]>;
      this.selectSummaries.set(traceIds.length, stmt);
    }
    return new Map(stmt.all(...traceIds) as [string, string][]);
  }

  /**
   * The document rows of the next `traces` traces whose id sorts after `afterTraceId` ('' for the first),
   * grouped by trace in arrival order. Rebuilding reads in such chunks so it can write between them
   * (a connection cannot write while a statement iterates) and never holds every summary at once.
   */
  docRowsChunk(afterTraceId: string, traces: number): { trace_id: string; docs: string }[] {
    return this.db
      .prepare(`SELECT trace_id, docs FROM xray_docs WHERE trace_id IN
        (SELECT DISTINCT trace_id FROM xray_docs WHERE trace_id > ? ORDER BY trace_id LIMIT ?) ORDER BY trace_id, rowid`)
      .all(afterTraceId, traces) as { trace_id: string; docs: string }[];
  }

  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return this.db.transaction(fn);
  }
}

/** Data dirs written before documents were grouped per call kept one keyed row per document: move them over once. */
function migrateKeyedSegments(db: BetterSqlite3.Database): void {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'xray_segments'").get();
  if (!old) return;
  db.transaction(() => {
    db.exec(`INSERT INTO xray_docs (trace_id, docs) SELECT trace_id, doc FROM xray_segments ORDER BY trace_id;
      DROP TABLE xray_segments; DROP TABLE IF EXISTS xray_traces;`);
  })();
}

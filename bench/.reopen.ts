import Database from 'better-sqlite3';
import { TraceStore } from '../src/local/xray/store.js';
const t0 = performance.now(); const c0 = process.cpuUsage();
const db = new Database(`${process.argv[2]}/local-cloud.sqlite`);
const store = new TraceStore(db, { clock: { now: () => Date.now() } });
const c = process.cpuUsage(c0); console.log('reopen', store.size, 'traces in', Math.round(performance.now() - t0), 'ms wall,', Math.round((c.user + c.system) / 1000), 'ms CPU; rss MB', Math.round(process.memoryUsage().rss / 1048576), 'heap MB', Math.round(process.memoryUsage().heapUsed / 1048576));

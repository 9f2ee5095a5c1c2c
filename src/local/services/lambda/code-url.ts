/**
 * GetFunction's Code.Location: on AWS a presigned S3 URL to the deployment package. Here a URL on
 * the local cloud itself, presigned in SigV4 query form so it passes the edge's signature check
 * like any presigned URL, and signed for real with a key of this cloud's run, so the URL is the
 * only way to fetch that package (a guessed path with made-up query parameters is refused).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Seconds a Code.Location stays usable, as AWS's (10 minutes). */
const EXPIRES_SECONDS = 600;

export class CodeUrlSigner {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number) {}

  /** `http://{host}{path}?X-Amz-Algorithm=…` — `host` must be one the edge's Host check already passed. */
  url(host: string, path: string, region: string, accessKeyId = 'AKIDLOCAL'): string {
    const date = amzDate(this.now());
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${accessKeyId}/${date.slice(0, 8)}/${region}/lambda/aws4_request`,
      'X-Amz-Date': date,
      'X-Amz-Expires': String(EXPIRES_SECONDS),
      'X-Amz-SignedHeaders': 'host',
    });
    query.set('X-Amz-Signature', this.sign(path, date));
    return `http://${host}${path}?${query.toString()}`;
  }

  /** Whether the query presigns this path and has not expired. */
  verify(path: string, query: URLSearchParams): boolean {
    const date = query.get('X-Amz-Date') ?? '';
    const signature = query.get('X-Amz-Signature') ?? '';
    const issued = parseAmzDate(date);
    if (issued === undefined || this.now() - issued > EXPIRES_SECONDS * 1000) return false;
    const expected = Buffer.from(this.sign(path, date));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(path: string, date: string): string {
    return createHmac('sha256', this.key).update(`${path}\n${date}`).digest('hex');
  }
}

/** 20260101T000000Z */
function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

/** Input checks shared by the X-Ray query operations: X-Ray answers every malformed request the same way. */
import { ServiceError } from '../core/errors.js';
import { MAX_EPOCH_SECONDS } from './segments.js';

export function invalidRequest(message: string): ServiceError {
  return new ServiceError('InvalidRequestException', message, 400);
}

/** A required timestamp member (the SDK sends a Date, JSON clients epoch seconds) → epoch seconds. */
export function epochSeconds(d: unknown, name: string): number {
  const s = d instanceof Date ? d.getTime() / 1000 : d;
  if (s === undefined || s === null || (typeof s === 'number' && Number.isNaN(s))) throw invalidRequest(`${name} is required`);
  // Past year 9999 a time has no date to answer with (it would come back as null).
  if (typeof s !== 'number' || s < 0 || s > MAX_EPOCH_SECONDS) {
    throw invalidRequest(`${name} must be a timestamp from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z (epoch seconds 0 to ${MAX_EPOCH_SECONDS})`);
  }
  return s;
}

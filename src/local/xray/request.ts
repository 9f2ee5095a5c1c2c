/** Input checks shared by the X-Ray query operations: X-Ray answers every malformed request the same way. */
import { ServiceError } from '../core/errors.js';

export function invalidRequest(message: string): ServiceError {
  return new ServiceError('InvalidRequestException', message, 400);
}

/** A required timestamp member (the SDK sends a Date, JSON clients epoch seconds) → epoch seconds. */
export function epochSeconds(d: unknown, name: string): number {
  if (d instanceof Date && !Number.isNaN(d.getTime())) return d.getTime() / 1000;
  if (typeof d === 'number' && Number.isFinite(d)) return d;
  throw invalidRequest(`${name} is required`);
}

import 'server-only';
import { normalizePlatform } from 'modash-flow/server';
import { HttpError } from './http';

/** A platform name through the module's rule (aliases, case); 400 UNSUPPORTED_PLATFORM otherwise. */
export function platformOf(value: string): string {
  try {
    return normalizePlatform(value);
  } catch (e) {
    throw new HttpError(400, 'UNSUPPORTED_PLATFORM', (e as Error).message);
  }
}

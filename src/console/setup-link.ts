import { randomBase62 } from '../lib/base62';
import { sha256Hex, timingSafeEqual } from '../lib/encoding';

/**
 * The one-time link through which the first admin creates their account and
 * organisation on a server that has no user yet: valid for an hour, usable once,
 * held by the process that printed it.
 */
export class SetupLink {
  private digest: string | undefined;
  private until = 0;

  async issue(now: Date): Promise<string> {
    const token = randomBase62(32);
    this.digest = await sha256Hex(token);
    this.until = now.getTime() + 3_600_000;
    return token;
  }

  async valid(token: string, now: Date): Promise<boolean> {
    if (!this.digest || now.getTime() >= this.until || !/^[0-9A-Za-z]{32}$/.test(token)) return false;
    return timingSafeEqual(await sha256Hex(token), this.digest);
  }

  /**
   * Spends the link: only the first caller with a valid token gets a release function
   * (to call if creating the account then fails, so the link works again).
   */
  async consume(token: string, now: Date): Promise<(() => void) | undefined> {
    if (!(await this.valid(token, now))) return undefined;
    const digest = this.digest;
    this.digest = undefined;
    return () => {
      this.digest = digest;
    };
  }
}

/**
 * Why a sign-in was refused. The service throws it; the API answers problem+json and
 * the console re-renders its form, each from this one reason.
 */
export class SignInRefused extends Error {
  constructor(
    readonly reason: 'throttled' | 'wrong-credentials',
    readonly detail: string,
    /** For `throttled`: how long the caller should wait. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = 'SignInRefused';
  }
}

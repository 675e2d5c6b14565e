/** Who did something: a console user, a key acting through a token, or the operator's CLI. */
export interface Actor {
  type: 'user' | 'key' | 'operator' | 'system';
  /** user id, the key's clientId, the operator's name, or the subsystem. */
  id: string;
  /** What `createdBy` shows for things this actor creates (email, clientId, `cli`). */
  label: string;
}

export interface RequestMeta {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export const operatorActor = (name = 'cli'): Actor => ({ type: 'operator', id: name, label: name });
export const systemActor = (id: string): Actor => ({ type: 'system', id, label: id });

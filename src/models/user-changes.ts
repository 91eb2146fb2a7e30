/**
 * News of committed writes to `users`, for whoever keeps copies of account
 * rows (the auth layer's caller cache subscribes). The model announces; it
 * knows nothing of who listens, so models never import the auth layer.
 */

/** Told which accounts changed, or `undefined` when a bulk write cannot say. */
export type UsersChangedListener = (userIds?: number[]) => Promise<void>;

const listeners = new Set<UsersChangedListener>();

/** Calls `listener` after every committed write to users; returns the unsubscribe function. */
export function onUsersChanged(listener: UsersChangedListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener that these accounts (or, with `undefined`, any accounts) changed, and waits for them. */
export async function announceUsersChanged(userIds?: number[]): Promise<void> {
  await Promise.all([...listeners].map((listener) => listener(userIds)));
}

import { useEffect, useState } from 'react';
import { displayToken } from '../data/display-token.ts';
import { currentUser } from '../session/session-api.ts';

/**
 * Whether the one looking at the wall may use the supervisors' workspace: a signed-in supervisor or admin.
 * A wall screen opened with a display token never may (it reads what its display's scope allows).
 */
export function useCanSupervise(): boolean {
  const [can, setCan] = useState(false);
  useEffect(() => {
    if (displayToken()) return;
    let live = true;
    currentUser().then(
      (u) => live && setCan(u !== null && (u.role === 'supervisor' || u.role === 'admin')),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return can;
}

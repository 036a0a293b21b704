import { useEffect, useState } from 'react';

/** Reload when `version` changes after the first render. */
export function useReloadOn(version: string, reload: () => Promise<void>): void {
  const [seen, setSeen] = useState(version);
  useEffect(() => {
    if (version === seen) return;
    setSeen(version);
    void reload();
  }, [version, seen, reload]);
}
